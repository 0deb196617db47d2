package dev.switchboard.translate.anthropic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.HubObjects;
import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.SseEvent;
import dev.switchboard.translate.StreamDecoder;
import dev.switchboard.translate.TranslationContext;
import dev.switchboard.translate.UpstreamStreamException;

/**
 * An Anthropic Messages stream as hub chunks, event by event: {@code message_start} gives the role chunk, text and
 * thinking deltas give content and {@code reasoning_content} chunks, each {@code tool_use} block becomes one tool call
 * (numbered in order of appearance, so parallel calls keep their order) whose {@code input_json_delta}s are its
 * argument chunks, {@code message_delta} gives the finish chunk, and {@code message_stop} the usage chunk and the end.
 * <p>
 * {@code ping}, signature and citation deltas, and event types this gateway does not know are skipped, as
 * Anthropic's versioning policy asks of clients. An {@code error} event, or an event whose data is not JSON, fails the
 * stream.
 */
final class AnthropicStreamDecoder implements StreamDecoder {

	private final long created;

	private String id = "";

	private String model = "";

	private long inputTokens;

	private long cacheRead;

	private long cacheWrite;

	private long outputTokens;

	/** Content block index to the tool call index it became. */
	private final Map<Integer, Integer> toolCalls = new HashMap<>();

	AnthropicStreamDecoder(TranslationContext context) {
		this.created = context.created();
	}

	@Override
	public boolean decode(SseEvent event, List<ObjectNode> out) {
		if (event.data().isEmpty()) {
			return false;
		}
		ObjectNode data = JsonTrees.parseObject(event.data());
		if (data == null) {
			throw new UpstreamStreamException("The upstream stream sent an event that is not a JSON object.");
		}
		String type = data.path("type").asString((event.event() != null) ? event.event() : "");
		switch (type) {
			case "message_start" -> {
				JsonNode message = data.path("message");
				this.id = message.path("id").asString("");
				this.model = message.path("model").asString("");
				usage(message.path("usage"));
				ObjectNode delta = JsonTrees.object().put("role", "assistant").put("content", "");
				out.add(chunk(delta, null));
			}
			case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"), out);
			case "content_block_delta" -> blockDelta(data.path("index").asInt(), data.path("delta"), out);
			case "message_delta" -> {
				usage(data.path("usage"));
				String stopReason = JsonTrees.string(data.path("delta"), "stop_reason");
				if (stopReason != null) {
					out.add(chunk(JsonTrees.object(), AnthropicResponses.finishReason(stopReason)));
				}
			}
			case "message_stop" -> {
				ObjectNode usage = JsonTrees.object().put("input_tokens", this.inputTokens)
					.put("cache_read_input_tokens", this.cacheRead)
					.put("cache_creation_input_tokens", this.cacheWrite)
					.put("output_tokens", this.outputTokens);
				ObjectNode last = head();
				last.putArray("choices");
				last.set("usage", AnthropicResponses.usageToChat(usage));
				out.add(last);
				return true;
			}
			case "error" -> {
				JsonNode error = data.path("error");
				throw new UpstreamStreamException("The upstream stream reported an error: "
						+ error.path("type").asString("error") + ": " + error.path("message").asString(""));
			}
			default -> {
				// content_block_stop, ping and event types added after this gateway was written
			}
		}
		return false;
	}

	private void blockStart(int index, JsonNode block, List<ObjectNode> out) {
		switch (block.path("type").asString("")) {
			case "text" -> {
				String text = JsonTrees.nonEmpty(block, "text");
				if (text != null) {
					out.add(chunk(JsonTrees.object().put("content", text), null));
				}
			}
			case "thinking" -> {
				String thinking = JsonTrees.nonEmpty(block, "thinking");
				if (thinking != null) {
					out.add(chunk(JsonTrees.object().put("reasoning_content", thinking), null));
				}
			}
			case "tool_use" -> {
				int call = this.toolCalls.size();
				this.toolCalls.put(index, call);
				JsonNode input = block.get("input");
				// the input is {} at the start and streamed in deltas; a proxy may send it whole here instead
				String arguments = (input != null && input.isObject() && !input.isEmpty()) ? JsonTrees.text(input) : "";
				ObjectNode delta = JsonTrees.object();
				ObjectNode toolCall = delta.putArray("tool_calls").addObject();
				toolCall.put("index", call);
				toolCall.put("id", block.path("id").asString(""));
				toolCall.put("type", "function");
				toolCall.putObject("function").put("name", block.path("name").asString("")).put("arguments", arguments);
				out.add(chunk(delta, null));
			}
			default -> {
				// redacted thinking and server-side blocks have no chat equivalent
			}
		}
	}

	private void blockDelta(int index, JsonNode delta, List<ObjectNode> out) {
		switch (delta.path("type").asString("")) {
			case "text_delta" -> {
				String text = JsonTrees.nonEmpty(delta, "text");
				if (text != null) {
					out.add(chunk(JsonTrees.object().put("content", text), null));
				}
			}
			case "thinking_delta" -> {
				String thinking = JsonTrees.nonEmpty(delta, "thinking");
				if (thinking != null) {
					out.add(chunk(JsonTrees.object().put("reasoning_content", thinking), null));
				}
			}
			case "input_json_delta" -> {
				Integer call = this.toolCalls.get(index);
				String partial = JsonTrees.nonEmpty(delta, "partial_json");
				if (call == null) {
					throw new UpstreamStreamException("The upstream stream sent tool input for block " + index
							+ ", which is not a tool_use block.");
				}
				if (partial != null) {
					ObjectNode chunkDelta = JsonTrees.object();
					ObjectNode toolCall = chunkDelta.putArray("tool_calls").addObject();
					toolCall.put("index", call);
					toolCall.putObject("function").put("arguments", partial);
					out.add(chunk(chunkDelta, null));
				}
			}
			default -> {
				// signature and citation deltas, and delta types added later
			}
		}
	}

	/** Takes the usage figures present in {@code usage}; message_delta repeats them cumulatively. */
	private void usage(JsonNode usage) {
		if (usage.has("input_tokens") && !usage.get("input_tokens").isNull()) {
			this.inputTokens = usage.get("input_tokens").asLong();
		}
		if (usage.has("cache_read_input_tokens") && !usage.get("cache_read_input_tokens").isNull()) {
			this.cacheRead = usage.get("cache_read_input_tokens").asLong();
		}
		if (usage.has("cache_creation_input_tokens") && !usage.get("cache_creation_input_tokens").isNull()) {
			this.cacheWrite = usage.get("cache_creation_input_tokens").asLong();
		}
		if (usage.has("output_tokens") && !usage.get("output_tokens").isNull()) {
			this.outputTokens = usage.get("output_tokens").asLong();
		}
	}

	private ObjectNode chunk(ObjectNode delta, @Nullable String finishReason) {
		return HubObjects.chunk(this.id, this.created, this.model, delta, finishReason);
	}

	private ObjectNode head() {
		return HubObjects.chunkHead(this.id, this.created, this.model);
	}

}
