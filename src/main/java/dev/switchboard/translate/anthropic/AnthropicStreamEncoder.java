package dev.switchboard.translate.anthropic;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.StreamEncoder;
import dev.switchboard.translate.UpstreamStreamException;

/**
 * Hub chunks as an Anthropic Messages stream, in the order the SDKs and Claude Code expect: {@code message_start}
 * (with usage) on the first chunk; then for each piece of content one block at a time, {@code content_block_start},
 * its deltas and {@code content_block_stop}, a new block beginning whenever the kind of content changes (thinking,
 * text, each tool call); at the end {@code message_delta} with the stop reason and the usage, and
 * {@code message_stop}.
 * <p>
 * Blocks cannot interleave in Anthropic's format, so arguments for a tool call whose block is already closed (a
 * provider interleaving parallel calls) end the stream with an error rather than being lost or misplaced. Reasoning
 * becomes thinking blocks only for a client that enabled thinking.
 */
final class AnthropicStreamEncoder implements StreamEncoder {

	private enum Block {

		NONE, THINKING, TEXT, TOOL

	}

	private final boolean thinking;

	private boolean started;

	private Block open = Block.NONE;

	/** Index of the open block; the next block gets the one after it. */
	private int index = -1;

	/** Hub tool call index to its block index. */
	private final Map<Integer, Integer> toolBlocks = new HashMap<>();

	private @Nullable String stopReason;

	private @Nullable JsonNode usage;

	AnthropicStreamEncoder(boolean thinking) {
		this.thinking = thinking;
	}

	@Override
	public void encode(ObjectNode chunk, StringBuilder out) {
		if (!this.started) {
			start(chunk, out);
		}
		JsonNode usage = chunk.get("usage");
		if (usage != null && usage.isObject()) {
			this.usage = usage;
		}
		JsonNode choice = chunk.path("choices").path(0);
		if (choice.isMissingNode() || choice.path("index").asInt(0) != 0) {
			return;
		}
		JsonNode delta = choice.path("delta");
		String reasoning = AnthropicResponses.reasoning(delta);
		if (reasoning != null && this.thinking) {
			open(Block.THINKING, out, JsonTrees.object().put("type", "thinking").put("thinking", "").put("signature", ""));
			delta(out, JsonTrees.object().put("type", "thinking_delta").put("thinking", reasoning));
		}
		String text = JsonTrees.nonEmpty(delta, "content");
		if (text == null) {
			text = JsonTrees.nonEmpty(delta, "refusal");
		}
		if (text != null) {
			open(Block.TEXT, out, JsonTrees.object().put("type", "text").put("text", ""));
			delta(out, JsonTrees.object().put("type", "text_delta").put("text", text));
		}
		JsonNode calls = delta.get("tool_calls");
		if (calls != null && calls.isArray()) {
			for (int i = 0; i < calls.size(); i++) {
				toolCall(calls.get(i), i, out);
			}
		}
		String finish = JsonTrees.string(choice, "finish_reason");
		if (finish != null) {
			close(out);
			this.stopReason = AnthropicResponses.stopReason(finish);
		}
	}

	private void toolCall(JsonNode call, int position, StringBuilder out) {
		int callIndex = call.path("index").asInt(position);
		Integer block = this.toolBlocks.get(callIndex);
		JsonNode function = call.path("function");
		if (block == null) {
			close(out);
			this.index++;
			this.toolBlocks.put(callIndex, this.index);
			this.open = Block.TOOL;
			ObjectNode use = JsonTrees.object().put("type", "tool_use");
			String id = JsonTrees.nonEmpty(call, "id");
			use.put("id", (id != null) ? AnthropicRequests.toolId(id) : "toolu_" + this.index);
			use.put("name", function.path("name").asString(""));
			use.putObject("input");
			event(out, "content_block_start",
					JsonTrees.object().put("type", "content_block_start").put("index", this.index).set("content_block", use));
		}
		else if (block != this.index || this.open != Block.TOOL) {
			throw new UpstreamStreamException("The upstream stream interleaved the arguments of parallel tool calls, "
					+ "which an Anthropic stream cannot express.");
		}
		String arguments = JsonTrees.nonEmpty(function, "arguments");
		if (arguments != null) {
			delta(out, JsonTrees.object().put("type", "input_json_delta").put("partial_json", arguments));
		}
	}

	@Override
	public void end(StringBuilder out) {
		if (!this.started) {
			start(JsonTrees.object(), out);
		}
		close(out);
		ObjectNode delta = JsonTrees.object().put("type", "message_delta");
		delta.putObject("delta").put("stop_reason", (this.stopReason != null) ? this.stopReason : "end_turn").putNull("stop_sequence");
		delta.set("usage", AnthropicResponses.usageFromChat(this.usage));
		event(out, "message_delta", delta);
		event(out, "message_stop", JsonTrees.object().put("type", "message_stop"));
	}

	/** {@code message_start}: usage is not known yet unless the first chunk has it; message_delta has the total. */
	private void start(ObjectNode chunk, StringBuilder out) {
		this.started = true;
		ObjectNode message = JsonTrees.object();
		message.put("id", chunk.path("id").asString(""));
		message.put("type", "message");
		message.put("role", "assistant");
		message.put("model", chunk.path("model").asString(""));
		message.putArray("content");
		message.putNull("stop_reason");
		message.putNull("stop_sequence");
		ObjectNode usage = AnthropicResponses.usageFromChat(chunk.get("usage"));
		usage.put("output_tokens", 0);
		message.set("usage", usage);
		event(out, "message_start", JsonTrees.object().put("type", "message_start").set("message", message));
	}

	/** Makes a block of {@code kind} the open one, closing another kind first. */
	private void open(Block kind, StringBuilder out, ObjectNode contentBlock) {
		if (this.open == kind) {
			return;
		}
		close(out);
		this.index++;
		this.open = kind;
		event(out, "content_block_start", JsonTrees.object().put("type", "content_block_start")
			.put("index", this.index)
			.set("content_block", contentBlock));
	}

	private void close(StringBuilder out) {
		if (this.open != Block.NONE) {
			event(out, "content_block_stop", JsonTrees.object().put("type", "content_block_stop").put("index", this.index));
			this.open = Block.NONE;
		}
	}

	private void delta(StringBuilder out, ObjectNode delta) {
		event(out, "content_block_delta",
				JsonTrees.object().put("type", "content_block_delta").put("index", this.index).set("delta", delta));
	}

	private static void event(StringBuilder out, String name, JsonNode data) {
		out.append("event: ").append(name).append("\ndata: ").append(JsonTrees.text(data)).append("\n\n");
	}

}
