package dev.switchboard.support;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Builds error bodies in the caller's wire format.
 */
public final class ErrorBodies {

	private ErrorBodies() {
	}

	/** {@code {"error":{"message":...,"type":...,"code":...,"param":...}}}, the OpenAI shape. */
	public static byte[] openAi(String message, String type, String code, @Nullable String param) {
		StringBuilder json = new StringBuilder(96 + message.length());
		json.append("{\"error\":{\"message\":");
		Json.appendString(json, message);
		json.append(",\"type\":");
		Json.appendString(json, type);
		json.append(",\"code\":");
		Json.appendString(json, code);
		json.append(",\"param\":");
		Json.appendString(json, param);
		json.append("}}");
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

}
