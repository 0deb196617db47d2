package dev.switchboard.translate.gemini;

import java.util.List;

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
 * A Gemini {@code streamGenerateContent?alt=sse} stream as hub chunks, event by event. Each event is a whole
 * {@code GenerateContentResponse}: the first gives the role chunk; each text part a content chunk, each thought part a
 * {@code reasoning_content} chunk, each function call (which Gemini sends whole) one tool call chunk with its full
 * arguments, numbered in order of arrival so parallel calls keep theirs.
 * <p>
 * Gemini sends no {@code [DONE]}: the body simply ends. The terminal event is the one with a {@code finishReason}
 * (or a {@code promptFeedback.blockReason} with no candidate): it gives the finish chunk and, from the last
 * {@code usageMetadata} seen, the usage chunk. A body that ends before it was cut, and its client sees an error. An
 * event holding an {@code error} object, or one that is not JSON, fails the stream.
 */
final class GeminiStreamDecoder implements StreamDecoder {

	private final TranslationContext context;

	private boolean started;

	private String id = "";

	private @Nullable String responseId;

	private String model = "";

	private int toolCalls;

	private @Nullable JsonNode usage;

	GeminiStreamDecoder(TranslationContext context) {
		this.context = context;
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
		JsonNode error = data.get("error");
		if (error != null && !error.isNull()) {
			throw new UpstreamStreamException("The upstream stream reported an error: "
					+ error.path("status").asString("error") + ": " + error.path("message").asString(""));
		}
		if (!this.started) {
			this.started = true;
			this.responseId = JsonTrees.string(data, "responseId");
			this.id = (this.responseId != null) ? this.responseId : "";
			this.model = data.path("modelVersion").asString("");
			out.add(chunk(JsonTrees.object().put("role", "assistant").put("content", ""), null));
		}
		JsonNode usage = data.get("usageMetadata");
		if (usage != null && usage.isObject()) {
			this.usage = usage;
		}
		for (JsonNode part : data.path("candidates").path(0).path("content").path("parts")) {
			part(part, out);
		}
		String finishReason = GeminiResponses.finishReason(data, this.toolCalls > 0);
		if (finishReason == null) {
			return false;
		}
		out.add(chunk(JsonTrees.object(), finishReason));
		if (this.usage != null) {
			ObjectNode last = head();
			last.putArray("choices");
			last.set("usage", GeminiResponses.usage(this.usage));
			out.add(last);
		}
		return true;
	}

	private void part(JsonNode part, List<ObjectNode> out) {
		String text = JsonTrees.nonEmpty(part, "text");
		JsonNode functionCall = part.get("functionCall");
		if (text != null) {
			String field = part.path("thought").asBoolean(false) ? "reasoning_content" : "content";
			out.add(chunk(JsonTrees.object().put(field, text), null));
		}
		else if (functionCall != null && functionCall.isObject()) {
			int index = this.toolCalls++;
			ObjectNode call = GeminiResponses.toolCall(functionCall, this.responseId, index, this.context);
			ObjectNode delta = JsonTrees.object();
			ObjectNode toolCall = delta.putArray("tool_calls").addObject();
			toolCall.put("index", index);
			toolCall.setAll(call);
			out.add(chunk(delta, null));
		}
	}

	private ObjectNode chunk(ObjectNode delta, @Nullable String finishReason) {
		return HubObjects.chunk(this.id, this.context.created(), this.model, delta, finishReason);
	}

	private ObjectNode head() {
		return HubObjects.chunkHead(this.id, this.context.created(), this.model);
	}

}
