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
	public static byte[] openAi(String message, String type, @Nullable String code, @Nullable String param) {
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

	/** {@code {"type":"error","error":{"type":...,"message":...}}}, the Anthropic shape. */
	public static byte[] anthropic(String type, String message) {
		StringBuilder json = new StringBuilder(64 + message.length());
		json.append("{\"type\":\"error\",\"error\":{\"type\":");
		Json.appendString(json, type);
		json.append(",\"message\":");
		Json.appendString(json, message);
		json.append("}}");
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The status an Anthropic client gets for a gateway error of {@code status}: the same, except 415, which
	 * Anthropic's API answers as a 400.
	 */
	public static int anthropicStatus(int status) {
		return (status == 415) ? 400 : status;
	}

	/** Anthropic's error type for an HTTP status, by Anthropic's own conventions. */
	public static String anthropicType(int status) {
		return switch (status) {
			case 400, 415, 422 -> "invalid_request_error";
			case 401 -> "authentication_error";
			case 402 -> "billing_error";
			case 403 -> "permission_error";
			case 404 -> "not_found_error";
			case 409 -> "conflict_error";
			case 413 -> "request_too_large";
			case 429 -> "rate_limit_error";
			case 504 -> "timeout_error";
			case 529 -> "overloaded_error";
			default -> (status >= 500) ? "api_error" : "invalid_request_error";
		};
	}

	/**
	 * {@code {"error":{"code":...,"message":...,"status":...}}}, the shape of Google's APIs (Gemini), with the
	 * canonical status name for the HTTP status.
	 */
	public static byte[] gemini(int status, String message) {
		StringBuilder json = new StringBuilder(80 + message.length());
		json.append("{\"error\":{\"code\":").append(status).append(",\"message\":");
		Json.appendString(json, message);
		json.append(",\"status\":");
		Json.appendString(json, geminiStatus(status));
		json.append("}}");
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

	/** Google's canonical status name for an HTTP status. */
	public static String geminiStatus(int status) {
		return switch (status) {
			case 400, 413, 415, 422 -> "INVALID_ARGUMENT";
			case 401 -> "UNAUTHENTICATED";
			case 403 -> "PERMISSION_DENIED";
			case 404 -> "NOT_FOUND";
			case 409 -> "ABORTED";
			case 429 -> "RESOURCE_EXHAUSTED";
			case 501 -> "UNIMPLEMENTED";
			case 502, 503, 529 -> "UNAVAILABLE";
			case 504 -> "DEADLINE_EXCEEDED";
			default -> (status >= 500) ? "INTERNAL" : "FAILED_PRECONDITION";
		};
	}

}
