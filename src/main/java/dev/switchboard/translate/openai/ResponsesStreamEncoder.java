package dev.switchboard.translate.openai;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.StreamEncoder;

/**
 * Hub chunks as a Responses API event stream, each event numbered by {@code sequence_number}: {@code response.created}
 * and {@code response.in_progress} on the first chunk; for reasoning, text and each tool call an output item with its
 * {@code .added}, delta and {@code .done} events, opened when its first delta arrives and closed when the next kind
 * of output starts or the answer finishes; {@code response.completed} (or {@code response.incomplete}) at the end,
 * with every item and the usage. Nothing is held back but a custom tool's input, which is one string inside the
 * hub's JSON arguments and goes out whole when its call ends.
 */
final class ResponsesStreamEncoder implements StreamEncoder {

	/** The client's settings, echoed in the response object: the request without its input. */
	private final ObjectNode settings;

	private final ResponsesTools tools;

	private final long createdFallback;

	private int sequence;

	private @Nullable ObjectNode response;

	private String base = "";

	/** Finished items by output index. */
	private final Map<Integer, ObjectNode> items = new TreeMap<>();

	private int nextOutputIndex;

	private int reasoningIndex = -1;

	private final StringBuilder reasoning = new StringBuilder();

	private int messageIndex = -1;

	private final StringBuilder text = new StringBuilder();

	/** Open tool calls by their hub index. */
	private final Map<Integer, Call> calls = new LinkedHashMap<>();

	private int callsSeen;

	private @Nullable String finishReason;

	private @Nullable JsonNode usage;

	ResponsesStreamEncoder(ObjectNode request, long createdFallback) {
		this.settings = request.deepCopy();
		this.settings.remove("input");
		this.tools = ResponsesTools.of(request);
		this.createdFallback = createdFallback;
	}

	@Override
	public void encode(ObjectNode chunk, StringBuilder out) {
		if (this.response == null) {
			start(chunk, out);
		}
		if (JsonTrees.present(chunk, "usage")) {
			this.usage = chunk.get("usage");
		}
		JsonNode choice = chunk.path("choices").path(0);
		if (choice.isMissingNode()) {
			return;
		}
		JsonNode delta = choice.path("delta");
		String reasoningDelta = JsonTrees.nonEmpty(delta, "reasoning_content");
		if (reasoningDelta != null) {
			reasoningDelta(reasoningDelta, out);
		}
		String textDelta = JsonTrees.nonEmpty(delta, "content");
		if (textDelta != null) {
			textDelta(textDelta, out);
		}
		for (JsonNode call : delta.path("tool_calls")) {
			callDelta(call, out);
		}
		String finish = JsonTrees.nonEmpty(choice, "finish_reason");
		if (finish != null) {
			this.finishReason = finish;
			closeAll(out);
		}
	}

	@Override
	public void end(StringBuilder out) {
		if (this.response == null) {
			start(JsonTrees.object(), out);
		}
		closeAll(out);
		ObjectNode response = this.response;
		ArrayNode output = response.putArray("output");
		this.items.values().forEach(output::add);
		ResponsesAnswers.finish(response, this.finishReason, this.usage);
		String type = "incomplete".equals(response.path("status").asString("")) ? "response.incomplete"
				: "response.completed";
		event(out, type).set("response", response);
		write(out);
	}

	private void start(ObjectNode chunk, StringBuilder out) {
		this.base = ResponsesAnswers.base(chunk.path("id").asString(""));
		ObjectNode response = ResponsesAnswers.response(this.base, chunk.path("created").asLong(this.createdFallback),
				chunk.path("model").asString(this.settings.path("model").asString("")), this.settings);
		this.response = response;
		event(out, "response.created").set("response", response.deepCopy());
		write(out);
		event(out, "response.in_progress").set("response", response.deepCopy());
		write(out);
	}

	private void reasoningDelta(String delta, StringBuilder out) {
		if (this.reasoningIndex < 0) {
			closeMessage(out);
			this.reasoningIndex = this.nextOutputIndex++;
			ObjectNode item = ResponsesAnswers.reasoningItem(id(), "");
			event(out, "response.output_item.added").put("output_index", this.reasoningIndex).set("item", item);
			write(out);
			ObjectNode added = event(out, "response.reasoning_summary_part.added");
			summaryPlace(added).putObject("part").put("type", "summary_text").put("text", "");
			write(out);
		}
		this.reasoning.append(delta);
		summaryPlace(event(out, "response.reasoning_summary_text.delta")).put("delta", delta);
		write(out);
	}

	private void closeReasoning(StringBuilder out) {
		if (this.reasoningIndex < 0) {
			return;
		}
		String summary = this.reasoning.toString();
		summaryPlace(event(out, "response.reasoning_summary_text.done")).put("text", summary);
		write(out);
		summaryPlace(event(out, "response.reasoning_summary_part.done")).putObject("part")
			.put("type", "summary_text")
			.put("text", summary);
		write(out);
		ObjectNode item = ResponsesAnswers.reasoningItem(id(), summary);
		event(out, "response.output_item.done").put("output_index", this.reasoningIndex).set("item", item);
		write(out);
		this.items.put(this.reasoningIndex, item);
		this.reasoningIndex = -1;
		this.reasoning.setLength(0);
	}

	private ObjectNode summaryPlace(ObjectNode event) {
		return event.put("item_id", "rs_" + id()).put("output_index", this.reasoningIndex).put("summary_index", 0);
	}

	private void textDelta(String delta, StringBuilder out) {
		if (this.messageIndex < 0) {
			closeReasoning(out);
			this.messageIndex = this.nextOutputIndex++;
			ObjectNode item = ResponsesAnswers.messageItem(id(), "in_progress");
			item.putArray("content");
			event(out, "response.output_item.added").put("output_index", this.messageIndex).set("item", item);
			write(out);
			textPlace(event(out, "response.content_part.added")).set("part", ResponsesAnswers.textPart(""));
			write(out);
		}
		this.text.append(delta);
		ObjectNode event = textPlace(event(out, "response.output_text.delta")).put("delta", delta);
		event.putArray("logprobs");
		write(out);
	}

	private void closeMessage(StringBuilder out) {
		if (this.messageIndex < 0) {
			return;
		}
		String whole = this.text.toString();
		ObjectNode done = textPlace(event(out, "response.output_text.done")).put("text", whole);
		done.putArray("logprobs");
		write(out);
		textPlace(event(out, "response.content_part.done")).set("part", ResponsesAnswers.textPart(whole));
		write(out);
		ObjectNode item = ResponsesAnswers.messageItem(id(), "completed");
		item.putArray("content").add(ResponsesAnswers.textPart(whole));
		event(out, "response.output_item.done").put("output_index", this.messageIndex).set("item", item);
		write(out);
		this.items.put(this.messageIndex, item);
		this.messageIndex = -1;
		this.text.setLength(0);
	}

	private ObjectNode textPlace(ObjectNode event) {
		return event.put("item_id", "msg_" + id()).put("output_index", this.messageIndex).put("content_index", 0);
	}

	private void callDelta(JsonNode delta, StringBuilder out) {
		int index = delta.path("index").asInt(0);
		Call call = this.calls.get(index);
		if (call == null) {
			closeReasoning(out);
			closeMessage(out);
			String callId = delta.path("id").asString("");
			String name = delta.path("function").path("name").asString("");
			call = new Call(this.nextOutputIndex++, this.callsSeen++, callId, name);
			this.calls.put(index, call);
			ObjectNode item = ResponsesAnswers.callItem(this.base, call.number, callId, name, "", "in_progress",
					this.tools);
			call.itemId = item.path("id").asString("");
			call.custom = "custom_tool_call".equals(item.path("type").asString(""));
			event(out, "response.output_item.added").put("output_index", call.outputIndex).set("item", item);
			write(out);
		}
		String arguments = delta.path("function").path("arguments").asString("");
		if (!arguments.isEmpty()) {
			call.arguments.append(arguments);
			if (!call.custom) {
				event(out, "response.function_call_arguments.delta").put("item_id", call.itemId)
					.put("output_index", call.outputIndex)
					.put("delta", arguments);
				write(out);
			}
		}
	}

	private void closeCalls(StringBuilder out) {
		for (Call call : this.calls.values()) {
			String arguments = call.arguments.toString();
			if (call.custom) {
				String input = ResponsesAnswers.customInput(arguments);
				event(out, "response.custom_tool_call_input.delta").put("item_id", call.itemId)
					.put("output_index", call.outputIndex)
					.put("delta", input);
				write(out);
				event(out, "response.custom_tool_call_input.done").put("item_id", call.itemId)
					.put("output_index", call.outputIndex)
					.put("input", input);
				write(out);
			}
			else {
				event(out, "response.function_call_arguments.done").put("item_id", call.itemId)
					.put("output_index", call.outputIndex)
					.put("name", this.tools.tool(call.name).name())
					.put("arguments", arguments);
				write(out);
			}
			ObjectNode item = ResponsesAnswers.callItem(this.base, call.number, call.callId, call.name, arguments,
					"completed", this.tools);
			event(out, "response.output_item.done").put("output_index", call.outputIndex).set("item", item);
			write(out);
			this.items.put(call.outputIndex, item);
		}
		this.calls.clear();
	}

	private void closeAll(StringBuilder out) {
		closeReasoning(out);
		closeMessage(out);
		closeCalls(out);
	}

	/** The base of message and reasoning ids: the answer's, and its output index after the first item. */
	private String id() {
		int index = (this.messageIndex >= 0) ? this.messageIndex : this.reasoningIndex;
		return (index <= 0) ? this.base : this.base + "_" + index;
	}

	/** The event being built; {@link #write} appends it. */
	private @Nullable ObjectNode pending;

	private @Nullable String pendingType;

	private ObjectNode event(StringBuilder out, String type) {
		ObjectNode event = JsonTrees.object().put("type", type).put("sequence_number", this.sequence++);
		this.pending = event;
		this.pendingType = type;
		return event;
	}

	private void write(StringBuilder out) {
		out.append("event: ").append(this.pendingType).append("\ndata: ").append(JsonTrees.text(this.pending))
			.append("\n\n");
		this.pending = null;
	}

	private static final class Call {

		final int outputIndex;

		/** The call's place among the answer's calls, for its item id. */
		final int number;

		final String callId;

		final String name;

		final StringBuilder arguments = new StringBuilder();

		String itemId = "";

		boolean custom;

		Call(int outputIndex, int number, String callId, String name) {
			this.outputIndex = outputIndex;
			this.number = number;
			this.callId = callId;
			this.name = name;
		}

	}

}
