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
		emit(out, event(type).set("response", response));
	}

	private void start(ObjectNode chunk, StringBuilder out) {
		this.base = ResponsesAnswers.base(chunk.path("id").asString(""));
		ObjectNode response = ResponsesAnswers.response(this.base, chunk.path("created").asLong(this.createdFallback),
				chunk.path("model").asString(this.settings.path("model").asString("")), this.settings);
		this.response = response;
		emit(out, event("response.created").set("response", response.deepCopy()));
		emit(out, event("response.in_progress").set("response", response.deepCopy()));
	}

	private void reasoningDelta(String delta, StringBuilder out) {
		if (this.reasoningIndex < 0) {
			closeMessage(out);
			this.reasoningIndex = this.nextOutputIndex++;
			ObjectNode item = ResponsesAnswers.reasoningItem(id(), "");
			emit(out, event("response.output_item.added").put("output_index", this.reasoningIndex).set("item", item));
			ObjectNode added = event("response.reasoning_summary_part.added");
			summaryPlace(added).putObject("part").put("type", "summary_text").put("text", "");
			emit(out, added);
		}
		this.reasoning.append(delta);
		emit(out, summaryPlace(event("response.reasoning_summary_text.delta")).put("delta", delta));
	}

	private void closeReasoning(StringBuilder out) {
		if (this.reasoningIndex < 0) {
			return;
		}
		String summary = this.reasoning.toString();
		emit(out, summaryPlace(event("response.reasoning_summary_text.done")).put("text", summary));
		ObjectNode partDone = summaryPlace(event("response.reasoning_summary_part.done"));
		partDone.putObject("part").put("type", "summary_text").put("text", summary);
		emit(out, partDone);
		ObjectNode item = ResponsesAnswers.reasoningItem(id(), summary);
		emit(out, event("response.output_item.done").put("output_index", this.reasoningIndex).set("item", item));
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
			emit(out, event("response.output_item.added").put("output_index", this.messageIndex).set("item", item));
			emit(out, textPlace(event("response.content_part.added")).set("part", ResponsesAnswers.textPart("")));
		}
		this.text.append(delta);
		ObjectNode event = textPlace(event("response.output_text.delta")).put("delta", delta);
		event.putArray("logprobs");
		emit(out, event);
	}

	private void closeMessage(StringBuilder out) {
		if (this.messageIndex < 0) {
			return;
		}
		String whole = this.text.toString();
		ObjectNode done = textPlace(event("response.output_text.done")).put("text", whole);
		done.putArray("logprobs");
		emit(out, done);
		emit(out, textPlace(event("response.content_part.done")).set("part", ResponsesAnswers.textPart(whole)));
		ObjectNode item = ResponsesAnswers.messageItem(id(), "completed");
		item.putArray("content").add(ResponsesAnswers.textPart(whole));
		emit(out, event("response.output_item.done").put("output_index", this.messageIndex).set("item", item));
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
			emit(out, event("response.output_item.added").put("output_index", call.outputIndex).set("item", item));
		}
		String arguments = delta.path("function").path("arguments").asString("");
		if (!arguments.isEmpty()) {
			call.arguments.append(arguments);
			if (!call.custom) {
				emit(out, event("response.function_call_arguments.delta").put("item_id", call.itemId)
					.put("output_index", call.outputIndex)
					.put("delta", arguments));
			}
		}
	}

	private void closeCalls(StringBuilder out) {
		for (Call call : this.calls.values()) {
			String arguments = call.arguments.toString();
			if (call.custom) {
				String input = ResponsesAnswers.customInput(arguments);
				emit(out, event("response.custom_tool_call_input.delta").put("item_id", call.itemId)
					.put("output_index", call.outputIndex)
					.put("delta", input));
				emit(out, event("response.custom_tool_call_input.done").put("item_id", call.itemId)
					.put("output_index", call.outputIndex)
					.put("input", input));
			}
			else {
				emit(out, event("response.function_call_arguments.done").put("item_id", call.itemId)
					.put("output_index", call.outputIndex)
					.put("name", this.tools.tool(call.name).name())
					.put("arguments", arguments));
			}
			ObjectNode item = ResponsesAnswers.callItem(this.base, call.number, call.callId, call.name, arguments,
					"completed", this.tools);
			emit(out, event("response.output_item.done").put("output_index", call.outputIndex).set("item", item));
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

	/** A new event of {@code type}, numbered: events are numbered as they are made, and written in that order. */
	private ObjectNode event(String type) {
		return JsonTrees.object().put("type", type).put("sequence_number", this.sequence++);
	}

	private static void emit(StringBuilder out, JsonNode event) {
		out.append("event: ").append(event.path("type").asString()).append("\ndata: ").append(JsonTrees.text(event))
			.append("\n\n");
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
