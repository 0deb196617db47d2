package dev.switchboard.body;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.web.util.UriUtils;

import dev.switchboard.provider.Endpoint;

/**
 * A Gemini API path, {@code /v1beta/models/{model}:{method}} or the same under {@code /v1/} (Google's Gen AI Java
 * SDK calls the stable version by default): Gemini names the model and whether to stream in the URL, not in the
 * body. The methods served are {@code generateContent}, {@code streamGenerateContent} and
 * {@code countTokens}; any other (or a model segment with a slash in it) is no AI endpoint.
 *
 * @param endpoint the endpoint the method calls
 * @param model the model, percent-decoded
 * @param stream whether the method is {@code streamGenerateContent}
 */
record GeminiPath(Endpoint endpoint, String model, boolean stream) {

	static final String PREFIX = "/v1beta/models/";

	static final String V1_PREFIX = "/v1/models/";

	/** Whether {@code path} may be a Gemini path: cheap, for the requests of every other endpoint. */
	static boolean candidate(String path) {
		return path.startsWith(PREFIX) || (path.startsWith(V1_PREFIX) && path.indexOf(':') > 0);
	}

	static @Nullable GeminiPath of(String path) {
		int colon = path.lastIndexOf(':');
		int start = path.startsWith(PREFIX) ? PREFIX.length() : path.startsWith(V1_PREFIX) ? V1_PREFIX.length() : -1;
		if (start < 0 || colon <= start) {
			return null;
		}
		String model = path.substring(start, colon);
		if (model.indexOf('/') >= 0) {
			return null;
		}
		model = UriUtils.decode(model, StandardCharsets.UTF_8);
		return switch (path.substring(colon + 1)) {
			case "generateContent" -> new GeminiPath(Endpoint.GENERATE_CONTENT, model, false);
			case "streamGenerateContent" -> new GeminiPath(Endpoint.GENERATE_CONTENT, model, true);
			case "countTokens" -> new GeminiPath(Endpoint.GEMINI_COUNT_TOKENS, model, false);
			default -> null;
		};
	}

}
