package dev.switchboard.translate.anthropic;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.resilience.InvalidAnswerException;
import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.TranslationContext;

/**
 * Whole Messages API answers to and from {@code chat.completion}s, with the stop reason and usage mappings the stream
 * translators share.
 */
final class AnthropicResponses {

	private AnthropicResponses() {
	}

	/** A Messages API answer as a {@code chat.completion}. */
	static ObjectNode toChat(ObjectNode message, TranslationContext context) {
		StringBuilder text = new StringBuilder();
		StringBuilder reasoning = new StringBuilder();
		ArrayNode calls = JsonTrees.array();
		for (JsonNode block : message.path("content")) {
			switch (block.path("type").asString("")) {
				case "text" -> text.append(block.path("text").asString(""));
				case "thinking" -> reasoning.append(block.path("thinking").asString(""));
				case "tool_use" -> {
					ObjectNode call = calls.addObject();
					call.put("id", block.path("id").asString(""));
					call.put("type", "function");
					ObjectNode function = call.putObject("function");
					function.put("name", block.path("name").asString(""));
					function.put("arguments", JsonTrees.text(block.path("input").isMissingNode() ? JsonTrees.object() : block.get("input")));
				}
				default -> {
					// redacted thinking and server-side blocks have no chat equivalent
				}
			}
		}
		ObjectNode chat = JsonTrees.object();
		chat.put("id", message.path("id").asString(""));
		chat.put("object", "chat.completion");
		chat.put("created", context.created());
		chat.put("model", message.path("model").asString(""));
		ObjectNode choice = chat.putArray("choices").addObject();
		choice.put("index", 0);
		ObjectNode out = choice.putObject("message");
		out.put("role", "assistant");
		if (text.length() > 0 || calls.isEmpty()) {
			out.put("content", text.toString());
		}
		else {
			out.putNull("content");
		}
		out.putNull("refusal");
		if (reasoning.length() > 0) {
			out.put("reasoning_content", reasoning.toString());
		}
		if (!calls.isEmpty()) {
			out.set("tool_calls", calls);
		}
		choice.putNull("logprobs");
		choice.put("finish_reason", finishReason(JsonTrees.string(message, "stop_reason")));
		JsonNode usage = message.get("usage");
		if (usage != null && usage.isObject()) {
			chat.set("usage", usageToChat(usage));
		}
		return chat;
	}

	/**
	 * A {@code chat.completion} as a Messages API answer. Reasoning becomes a thinking block only for a client that
	 * enabled thinking (one that did not would not expect the block); it has no signature, since none exists.
	 */
	static ObjectNode fromChat(ObjectNode chat, boolean thinking) {
		JsonNode choice = chat.path("choices").path(0);
		JsonNode message = choice.path("message");
		ObjectNode out = JsonTrees.object();
		out.put("id", chat.path("id").asString(""));
		out.put("type", "message");
		out.put("role", "assistant");
		out.put("model", chat.path("model").asString(""));
		ArrayNode content = out.putArray("content");
		String reasoning = reasoning(message);
		if (thinking && reasoning != null) {
			content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
		}
		String text = JsonTrees.nonEmpty(message, "content");
		if (text != null) {
			content.addObject().put("type", "text").put("text", text);
		}
		String refusal = JsonTrees.nonEmpty(message, "refusal");
		if (refusal != null) {
			content.addObject().put("type", "text").put("text", refusal);
		}
		JsonNode calls = message.get("tool_calls");
		if (calls != null && calls.isArray()) {
			for (JsonNode call : calls) {
				String arguments = call.path("function").path("arguments").asString("");
				JsonNode input = arguments.isBlank() ? JsonTrees.object() : JsonTrees.parse(arguments);
				if (!(input instanceof ObjectNode)) {
					throw new InvalidAnswerException("the provider's tool call arguments are not a JSON object");
				}
				ObjectNode use = content.addObject().put("type", "tool_use");
				use.put("id", AnthropicRequests.toolId(call.path("id").asString("")));
				use.put("name", call.path("function").path("name").asString(""));
				use.set("input", input);
			}
		}
		String stopReason = (refusal != null) ? "refusal" : stopReason(JsonTrees.string(choice, "finish_reason"));
		out.put("stop_reason", stopReason);
		out.putNull("stop_sequence");
		out.set("usage", usageFromChat(chat.get("usage")));
		return out;
	}

	/** The reasoning of a chat message or delta: {@code reasoning_content}, or {@code reasoning} as some servers say. */
	static @Nullable String reasoning(JsonNode message) {
		String reasoning = JsonTrees.nonEmpty(message, "reasoning_content");
		return (reasoning != null) ? reasoning : JsonTrees.nonEmpty(message, "reasoning");
	}

	/** Anthropic's stop reason as a finish reason. */
	static String finishReason(@Nullable String stopReason) {
		if (stopReason == null) {
			return "stop";
		}
		return switch (stopReason) {
			case "max_tokens", "model_context_window_exceeded" -> "length";
			case "tool_use" -> "tool_calls";
			case "refusal" -> "content_filter";
			default -> "stop";
		};
	}

	/** A finish reason as Anthropic's stop reason. Which stop sequence matched is unknown: that is end_turn too. */
	static String stopReason(@Nullable String finishReason) {
		if (finishReason == null) {
			return "end_turn";
		}
		return switch (finishReason) {
			case "length" -> "max_tokens";
			case "tool_calls", "function_call" -> "tool_use";
			case "content_filter" -> "refusal";
			default -> "end_turn";
		};
	}

	/**
	 * Anthropic usage as chat usage. Anthropic counts cache reads and writes apart from {@code input_tokens}; chat
	 * counts every input token in {@code prompt_tokens}, cache reads also in {@code cached_tokens}.
	 */
	static ObjectNode usageToChat(JsonNode usage) {
		long input = usage.path("input_tokens").asLong(0);
		long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
		long cacheWrite = usage.path("cache_creation_input_tokens").asLong(0);
		long output = usage.path("output_tokens").asLong(0);
		ObjectNode chat = JsonTrees.object();
		chat.put("prompt_tokens", input + cacheRead + cacheWrite);
		chat.put("completion_tokens", output);
		chat.put("total_tokens", input + cacheRead + cacheWrite + output);
		chat.putObject("prompt_tokens_details").put("cached_tokens", cacheRead);
		return chat;
	}

	/** Chat usage as Anthropic usage; reasoning tokens stay counted in {@code output_tokens}, as Anthropic does. */
	static ObjectNode usageFromChat(@Nullable JsonNode usage) {
		long prompt = (usage != null) ? usage.path("prompt_tokens").asLong(0) : 0;
		long cached = (usage != null) ? usage.path("prompt_tokens_details").path("cached_tokens").asLong(0) : 0;
		long completion = (usage != null) ? usage.path("completion_tokens").asLong(0) : 0;
		ObjectNode out = JsonTrees.object();
		out.put("input_tokens", Math.max(0, prompt - cached));
		out.put("cache_creation_input_tokens", 0);
		out.put("cache_read_input_tokens", cached);
		out.put("output_tokens", completion);
		return out;
	}

}
