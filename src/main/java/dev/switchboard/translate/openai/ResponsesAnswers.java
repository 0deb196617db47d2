package dev.switchboard.translate.openai;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.JsonTrees;

/**
 * The Responses API objects a translated answer is made of, built the same way for a JSON answer and a stream: the
 * {@code response} object (with the request's settings echoed, as OpenAI does), its output items, its status and
 * its usage.
 */
final class ResponsesAnswers {

	private ResponsesAnswers() {
	}

	/** A hub {@code chat.completion} as a {@code response} object for the client that sent {@code request}. */
	static ObjectNode fromChat(ObjectNode completion, ObjectNode request, long createdFallback) {
		String base = base(completion.path("id").asString(""));
		ObjectNode response = response(base, completion.path("created").asLong(createdFallback),
				completion.path("model").asString(request.path("model").asString("")), request);
		ArrayNode output = response.putArray("output");
		JsonNode choice = completion.path("choices").path(0);
		JsonNode message = choice.path("message");
		ResponsesTools tools = ResponsesTools.of(request);
		String reasoning = JsonTrees.nonEmpty(message, "reasoning_content");
		if (reasoning != null) {
			output.add(reasoningItem(base, reasoning));
		}
		String text = JsonTrees.nonEmpty(message, "content");
		String refusal = JsonTrees.nonEmpty(message, "refusal");
		if (text != null || refusal != null) {
			ObjectNode item = messageItem(base, "completed");
			ArrayNode content = item.putArray("content");
			if (text != null) {
				content.add(textPart(text));
			}
			if (refusal != null) {
				content.addObject().put("type", "refusal").put("refusal", refusal);
			}
			output.add(item);
		}
		JsonNode calls = message.path("tool_calls");
		for (int i = 0; i < calls.size(); i++) {
			JsonNode call = calls.get(i);
			output.add(callItem(base, i, call.path("id").asString(""), call.path("function").path("name").asString(""),
					call.path("function").path("arguments").asString(""), "completed", tools));
		}
		finish(response, JsonTrees.string(choice, "finish_reason"), completion.get("usage"));
		return response;
	}

	/** The id every item id is made from: the provider's answer id, without OpenAI's {@code chatcmpl-} prefix. */
	static String base(String completionId) {
		String id = completionId.startsWith("chatcmpl-") ? completionId.substring(9) : completionId;
		StringBuilder out = new StringBuilder(id.length());
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			out.append(Character.isLetterOrDigit(c) || c == '_' || c == '-' ? c : '_');
		}
		return (out.length() == 0) ? Long.toHexString(System.nanoTime()) : out.toString();
	}

	/** A {@code response} object in progress, with no output yet. */
	static ObjectNode response(String base, long created, String model, ObjectNode request) {
		ObjectNode response = JsonTrees.object();
		response.put("id", "resp_" + base);
		response.put("object", "response");
		response.put("created_at", created);
		response.put("status", "in_progress");
		response.put("background", false);
		response.putNull("error");
		response.putNull("incomplete_details");
		copy(request, "instructions", response, null);
		copy(request, "max_output_tokens", response, null);
		response.put("model", model);
		response.putArray("output");
		response.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
		response.putNull("previous_response_id");
		copy(request, "prompt_cache_key", response, null);
		ObjectNode reasoning = response.putObject("reasoning");
		copy(request.path("reasoning"), "effort", reasoning, null);
		copy(request.path("reasoning"), "summary", reasoning, null);
		response.put("store", false);
		copy(request, "temperature", response, 1.0);
		if (request.get("text") instanceof ObjectNode text) {
			response.set("text", text);
		}
		else {
			response.putObject("text").putObject("format").put("type", "text");
		}
		if (JsonTrees.present(request, "tool_choice")) {
			response.set("tool_choice", request.get("tool_choice"));
		}
		else {
			response.put("tool_choice", "auto");
		}
		response.set("tools", request.has("tools") ? request.get("tools") : JsonTrees.array());
		copy(request, "top_p", response, 1.0);
		response.put("truncation", "disabled");
		response.putNull("usage");
		copy(request, "user", response, null);
		response.set("metadata", (request.get("metadata") instanceof ObjectNode metadata) ? metadata : JsonTrees.object());
		return response;
	}

	private static void copy(JsonNode from, String field, ObjectNode to, @Nullable Double fallback) {
		JsonNode value = from.get(field);
		if (value != null && !value.isNull()) {
			to.set(field, value);
		}
		else if (fallback != null) {
			to.put(field, fallback);
		}
		else {
			to.putNull(field);
		}
	}

	/** Sets status, incomplete details and usage from the hub's finish reason and usage. */
	static void finish(ObjectNode response, @Nullable String finishReason, @Nullable JsonNode usage) {
		if ("length".equals(finishReason) || "content_filter".equals(finishReason)) {
			response.put("status", "incomplete");
			response.putObject("incomplete_details")
				.put("reason", "length".equals(finishReason) ? "max_output_tokens" : "content_filter");
		}
		else {
			response.put("status", "completed");
		}
		if (usage != null && usage.isObject()) {
			response.set("usage", usage(usage));
		}
	}

	/** Hub usage as Responses usage. */
	static ObjectNode usage(JsonNode usage) {
		ObjectNode out = JsonTrees.object();
		long input = usage.path("prompt_tokens").asLong(0);
		long output = usage.path("completion_tokens").asLong(0);
		out.put("input_tokens", input);
		out.putObject("input_tokens_details")
			.put("cached_tokens", usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
		out.put("output_tokens", output);
		out.putObject("output_tokens_details")
			.put("reasoning_tokens", usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
		out.put("total_tokens", usage.path("total_tokens").asLong(input + output));
		return out;
	}

	static ObjectNode messageItem(String base, String status) {
		ObjectNode item = JsonTrees.object();
		item.put("id", "msg_" + base);
		item.put("type", "message");
		item.put("status", status);
		item.put("role", "assistant");
		return item;
	}

	static ObjectNode textPart(String text) {
		ObjectNode part = JsonTrees.object().put("type", "output_text").put("text", text);
		part.putArray("annotations");
		part.putArray("logprobs");
		return part;
	}

	static ObjectNode reasoningItem(String base, String summary) {
		ObjectNode item = JsonTrees.object().put("id", "rs_" + base).put("type", "reasoning");
		ArrayNode parts = item.putArray("summary");
		if (!summary.isEmpty()) {
			parts.addObject().put("type", "summary_text").put("text", summary);
		}
		return item;
	}

	/**
	 * A tool call as the item the client's tool stands for: a {@code function_call} (with its {@code namespace},
	 * if it came from one) or a {@code custom_tool_call} whose input is the {@code input} argument.
	 */
	static ObjectNode callItem(String base, int index, String callId, String hubName, String arguments, String status,
			ResponsesTools tools) {
		ResponsesTools.Tool tool = tools.tool(hubName);
		ObjectNode item = JsonTrees.object();
		item.put("id", (tool.custom() ? "ctc_" : "fc_") + base + "_" + index);
		if (tool.custom()) {
			item.put("type", "custom_tool_call");
			item.put("status", status);
			item.put("call_id", callId);
			item.put("name", tool.name());
			item.put("input", customInput(arguments));
		}
		else {
			item.put("type", "function_call");
			item.put("status", status);
			item.put("arguments", arguments);
			item.put("call_id", callId);
			item.put("name", tool.name());
			if (tool.namespace() != null) {
				item.put("namespace", tool.namespace());
			}
		}
		return item;
	}

	/** The {@code input} string of a custom tool's arguments; arguments that are not that object, as they are. */
	static String customInput(String arguments) {
		JsonNode parsed = JsonTrees.parse(arguments);
		if (parsed != null && parsed.isObject() && parsed.path("input").isString()) {
			return parsed.path("input").stringValue();
		}
		return arguments;
	}

}
