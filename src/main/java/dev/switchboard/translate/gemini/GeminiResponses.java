package dev.switchboard.translate.gemini;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.TranslationContext;

/**
 * Whole {@code generateContent} answers as {@code chat.completion}s, with the finish reason, tool call id and usage
 * mappings the stream decoder shares. Only the first candidate is read (the gateway never asks for more).
 */
final class GeminiResponses {

	private GeminiResponses() {
	}

	/** A {@code GenerateContentResponse} as a {@code chat.completion}. */
	static ObjectNode toChat(ObjectNode response, TranslationContext context) {
		String responseId = JsonTrees.string(response, "responseId");
		JsonNode candidate = response.path("candidates").path(0);
		StringBuilder text = new StringBuilder();
		StringBuilder reasoning = new StringBuilder();
		ArrayNode calls = JsonTrees.array();
		for (JsonNode part : candidate.path("content").path("parts")) {
			String partText = JsonTrees.string(part, "text");
			JsonNode functionCall = part.get("functionCall");
			if (partText != null) {
				(part.path("thought").asBoolean(false) ? reasoning : text).append(partText);
			}
			else if (functionCall != null && functionCall.isObject()) {
				calls.add(toolCall(functionCall, responseId, calls.size(), context));
			}
			// code execution, inline data and other parts have no chat equivalent
		}
		ObjectNode chat = JsonTrees.object();
		chat.put("id", (responseId != null) ? responseId : "");
		chat.put("object", "chat.completion");
		chat.put("created", context.created());
		chat.put("model", response.path("modelVersion").asString(""));
		ObjectNode choice = chat.putArray("choices").addObject();
		choice.put("index", 0);
		ObjectNode message = choice.putObject("message");
		message.put("role", "assistant");
		if (text.length() > 0 || calls.isEmpty()) {
			message.put("content", text.toString());
		}
		else {
			message.putNull("content");
		}
		message.putNull("refusal");
		if (reasoning.length() > 0) {
			message.put("reasoning_content", reasoning.toString());
		}
		if (!calls.isEmpty()) {
			message.set("tool_calls", calls);
		}
		choice.putNull("logprobs");
		String finishReason = finishReason(response, !calls.isEmpty());
		choice.put("finish_reason", (finishReason != null) ? finishReason : "stop");
		JsonNode usage = response.get("usageMetadata");
		if (usage != null && usage.isObject()) {
			chat.set("usage", usage(usage));
		}
		return chat;
	}

	/**
	 * A {@code functionCall} part as a chat tool call, arguments as JSON text. Gemini gives calls an id only
	 * sometimes; without one the call gets {@code call_<responseId>_<n>}, unique across a conversation (an Anthropic
	 * client's history must not repeat a tool id), and the same on every translation of the same answer.
	 */
	static ObjectNode toolCall(JsonNode functionCall, @Nullable String responseId, int index,
			TranslationContext context) {
		String id = JsonTrees.nonEmpty(functionCall, "id");
		if (id == null) {
			id = "call_" + ((responseId != null) ? responseId : Long.toString(context.created())) + "_" + index;
		}
		JsonNode args = functionCall.get("args");
		ObjectNode call = JsonTrees.object();
		call.put("id", id);
		call.put("type", "function");
		call.putObject("function")
			.put("name", functionCall.path("name").asString(""))
			.put("arguments", JsonTrees.text((args != null && args.isObject()) ? args : JsonTrees.object()));
		return call;
	}

	/**
	 * The finish reason of an answer or stream chunk, or {@code null} while generation goes on. A prompt blocked
	 * before any candidate ({@code promptFeedback.blockReason}) is a content filter finish.
	 * @param calledTools whether the answer (or the stream so far) holds function calls: Gemini says {@code STOP}
	 * for those too, chat says {@code tool_calls}
	 */
	static @Nullable String finishReason(JsonNode response, boolean calledTools) {
		JsonNode candidates = response.path("candidates");
		String reason = JsonTrees.nonEmpty(candidates.path(0), "finishReason");
		if (reason == null) {
			boolean blocked = candidates.isEmpty()
					&& JsonTrees.nonEmpty(response.path("promptFeedback"), "blockReason") != null;
			return blocked ? "content_filter" : null;
		}
		return switch (reason) {
			case "MAX_TOKENS" -> "length";
			case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
					"IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION" ->
				"content_filter";
			default -> calledTools ? "tool_calls" : "stop";
		};
	}

	/**
	 * Gemini usage as chat usage. {@code promptTokenCount} already includes the cached tokens; tool-use prompt tokens
	 * count as prompt; thoughts, which Gemini counts apart from {@code candidatesTokenCount}, count as completion
	 * (and as reasoning tokens), as OpenAI counts reasoning.
	 */
	static ObjectNode usage(JsonNode usage) {
		long prompt = usage.path("promptTokenCount").asLong(0) + usage.path("toolUsePromptTokenCount").asLong(0);
		long thoughts = usage.path("thoughtsTokenCount").asLong(0);
		long completion = usage.path("candidatesTokenCount").asLong(0) + thoughts;
		ObjectNode chat = JsonTrees.object();
		chat.put("prompt_tokens", prompt);
		chat.put("completion_tokens", completion);
		chat.put("total_tokens", prompt + completion);
		chat.putObject("prompt_tokens_details").put("cached_tokens", usage.path("cachedContentTokenCount").asLong(0));
		chat.putObject("completion_tokens_details").put("reasoning_tokens", thoughts);
		return chat;
	}

}
