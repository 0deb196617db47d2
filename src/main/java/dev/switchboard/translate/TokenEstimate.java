package dev.switchboard.translate;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A local estimate for {@code POST /v1/messages/count_tokens} when the target is not an Anthropic provider, whose
 * tokenizer the gateway cannot run: one token per four characters of text (system prompt, message text, tool
 * definitions, tool inputs and results), plus {@value #IMAGE_TOKENS} per image, Anthropic's figure for an image of
 * about 1.15 megapixels. Answers carry {@code x-switchboard-token-count: estimate}.
 */
public final class TokenEstimate {

	/** The response header that marks an estimated count. */
	public static final String HEADER = "x-switchboard-token-count";

	static final int IMAGE_TOKENS = 1600;

	private TokenEstimate() {
	}

	/** The estimated input tokens of a Messages API request. */
	public static long of(JsonNode request) {
		long[] counts = new long[2]; // characters, images
		count(request.get("system"), counts);
		count(request.get("messages"), counts);
		count(request.get("tools"), counts);
		return (counts[0] + 3) / 4 + counts[1] * IMAGE_TOKENS;
	}

	/**
	 * The estimated input tokens of a Gemini {@code generateContent} or {@code countTokens} request (the latter may
	 * wrap a whole {@code generateContentRequest}); an inline image or file counts as {@value #IMAGE_TOKENS}.
	 */
	public static long ofGemini(JsonNode request) {
		long[] counts = new long[2];
		count(request.get("systemInstruction"), counts);
		count(request.get("contents"), counts);
		count(request.get("tools"), counts);
		JsonNode wrapped = request.get("generateContentRequest");
		if (wrapped != null && wrapped.isObject()) {
			count(wrapped.get("systemInstruction"), counts);
			count(wrapped.get("contents"), counts);
			count(wrapped.get("tools"), counts);
		}
		return (counts[0] + 3) / 4 + counts[1] * IMAGE_TOKENS;
	}

	/** Adds the characters of every value under {@code node} (block types and cache hints aside) and its images. */
	private static void count(@Nullable JsonNode node, long[] counts) {
		if (node == null || node.isNull()) {
			return;
		}
		if (node.isObject()) {
			if ("image".equals(node.path("type").asString("")) || node.has("inlineData") || node.has("fileData")) {
				counts[1]++;
				return;
			}
			node.properties().forEach(entry -> {
				if (!entry.getKey().equals("type") && !entry.getKey().equals("cache_control")) {
					count(entry.getValue(), counts);
				}
			});
		}
		else if (node.isArray()) {
			node.forEach(item -> count(item, counts));
		}
		else {
			// strings, numbers and booleans count as their text
			counts[0] += node.asString().length();
		}
	}

}
