package dev.switchboard.translate.gemini;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.JsonTrees;

/**
 * Hub answers in Gemini's shape, for Gemini clients: the {@code GenerateContentResponse} of a whole answer, and the
 * pieces a stream chunk is made of. Reasoning comes back as {@code thought} parts, tool calls as
 * {@code functionCall} parts carrying the call's id (which the client sends back in its {@code functionResponse}).
 */
final class GeminiClientAnswers {

	private GeminiClientAnswers() {
	}

	static ObjectNode fromChat(ObjectNode completion) {
		JsonNode choice = completion.path("choices").path(0);
		JsonNode message = choice.path("message");
		ArrayNode parts = JsonTrees.array();
		String reasoning = JsonTrees.nonEmpty(message, "reasoning_content");
		if (reasoning != null) {
			parts.addObject().put("text", reasoning).put("thought", true);
		}
		String text = JsonTrees.nonEmpty(message, "content");
		if (text != null) {
			parts.addObject().put("text", text);
		}
		for (JsonNode call : message.path("tool_calls")) {
			parts.add(functionCall(call.path("id").asString(""), call.path("function").path("name").asString(""),
					call.path("function").path("arguments").asString("")));
		}
		if (parts.isEmpty()) {
			parts.addObject().put("text", "");
		}
		return chunk(parts, finishReason(JsonTrees.string(choice, "finish_reason")), completion.get("usage"),
				completion.path("model").asString(""), completion.path("id").asString(""));
	}

	/** A response (or stream chunk) of one candidate holding {@code parts}. */
	static ObjectNode chunk(ArrayNode parts, @Nullable String finishReason, @Nullable JsonNode usage, String model,
			String id) {
		ObjectNode response = JsonTrees.object();
		ObjectNode candidate = response.putArray("candidates").addObject();
		ObjectNode content = candidate.putObject("content");
		content.put("role", "model");
		content.set("parts", parts);
		if (finishReason != null) {
			candidate.put("finishReason", finishReason);
		}
		candidate.put("index", 0);
		if (usage != null && usage.isObject()) {
			response.set("usageMetadata", usage(usage));
		}
		response.put("modelVersion", model);
		response.put("responseId", id);
		return response;
	}

	static ObjectNode functionCall(String id, String name, String arguments) {
		ObjectNode part = JsonTrees.object();
		ObjectNode call = part.putObject("functionCall");
		if (!id.isEmpty()) {
			call.put("id", id);
		}
		call.put("name", name);
		JsonNode args = arguments.isBlank() ? JsonTrees.object() : JsonTrees.parse(arguments);
		call.set("args", (args != null && args.isObject()) ? args : JsonTrees.object());
		return part;
	}

	/** The hub's finish reason as Gemini's; a tool call finishes with {@code STOP}, as Gemini's own do. */
	static String finishReason(@Nullable String reason) {
		if (reason == null) {
			return "STOP";
		}
		return switch (reason) {
			case "length" -> "MAX_TOKENS";
			case "content_filter" -> "SAFETY";
			default -> "STOP";
		};
	}

	/** Hub usage as {@code usageMetadata}: reasoning tokens are Gemini's thoughts, counted apart from candidates. */
	static ObjectNode usage(JsonNode usage) {
		long prompt = usage.path("prompt_tokens").asLong(0);
		long completion = usage.path("completion_tokens").asLong(0);
		long reasoning = usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
		long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
		ObjectNode out = JsonTrees.object();
		out.put("promptTokenCount", prompt);
		out.put("candidatesTokenCount", Math.max(0, completion - reasoning));
		out.put("totalTokenCount", usage.path("total_tokens").asLong(prompt + completion));
		if (reasoning > 0) {
			out.put("thoughtsTokenCount", reasoning);
		}
		if (cached > 0) {
			out.put("cachedContentTokenCount", cached);
		}
		return out;
	}

}
