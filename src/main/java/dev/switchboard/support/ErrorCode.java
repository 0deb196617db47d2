package dev.switchboard.support;

import org.springframework.http.HttpStatus;

/**
 * The errors the gateway itself answers with. The {@code code} strings are public interface: clients and their
 * scripts match on them, so a value never changes once released.
 */
public enum ErrorCode {

	/** Missing or unknown gateway key. */
	INVALID_API_KEY(HttpStatus.UNAUTHORIZED, "invalid_api_key", "authentication_error"),

	/** The key may not use the requested model. */
	MODEL_NOT_ALLOWED(HttpStatus.FORBIDDEN, "model_not_allowed", "permission_error"),

	/** No route alias and no provider matches the requested model. */
	MODEL_NOT_FOUND(HttpStatus.NOT_FOUND, "model_not_found", "invalid_request_error"),

	/** The key is valid but may not do this (an actuator write, {@code /actuator/gateway/**} without admin). */
	PERMISSION_DENIED(HttpStatus.FORBIDDEN, "permission_denied", "permission_error"),

	/** {@code /proxy/{provider}/**} names no configured provider. */
	PROVIDER_NOT_FOUND(HttpStatus.NOT_FOUND, "provider_not_found", "invalid_request_error"),

	/** No endpoint at that method and path. */
	UNKNOWN_URL(HttpStatus.NOT_FOUND, "unknown_url", "invalid_request_error"),

	/** The body is not a JSON object. */
	INVALID_JSON(HttpStatus.BAD_REQUEST, "invalid_json", "invalid_request_error"),

	/** The body has no usable {@code model} string. */
	MISSING_MODEL(HttpStatus.BAD_REQUEST, "missing_model", "invalid_request_error"),

	/** No target of the route can serve this endpoint (for example one that needs wire-format translation). */
	UNSUPPORTED_BY_PROVIDER(HttpStatus.BAD_REQUEST, "unsupported_by_provider", "invalid_request_error"),

	/** The body is larger than {@code switchboard.limits.max-request-bytes}. */
	REQUEST_TOO_LARGE(HttpStatus.PAYLOAD_TOO_LARGE, "request_too_large", "invalid_request_error"),

	/** The body is not {@code application/json}. */
	UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "invalid_request_error"),

	/** A guardrail refused the request or its answer; the message names the guardrail and the rule, never the text. */
	GUARDRAIL_BLOCKED(HttpStatus.BAD_REQUEST, "guardrail_blocked", "invalid_request_error"),
	/** 400: a request parameter the gateway cannot serve (Gemini's stream without {@code alt=sse}). */
	UNSUPPORTED_PARAMETER(HttpStatus.BAD_REQUEST, "unsupported_parameter", "invalid_request_error"),

	/** Every target failed with 429. */
	RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "rate_limit_error"),

	/** Every target failed (or was skipped by an open circuit breaker). */
	UPSTREAM_UNAVAILABLE(HttpStatus.BAD_GATEWAY, "upstream_unavailable", "upstream_error"),

	/** The route's deadline ran out before an answer could be sent. */
	DEADLINE_EXCEEDED(HttpStatus.GATEWAY_TIMEOUT, "deadline_exceeded", "timeout_error"),

	/** A {@code requests-per-minute} or {@code tokens-per-minute} limit of the key, route or provider is reached. */
	RATE_LIMIT_EXCEEDED(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_exceeded", "rate_limit_error"),

	/** A {@code concurrent-requests} limit is reached. */
	CONCURRENCY_LIMIT_EXCEEDED(HttpStatus.TOO_MANY_REQUESTS, "concurrency_limit_exceeded", "rate_limit_error"),

	/** A budget of the key, route or provider is spent for its period. */
	BUDGET_EXCEEDED(HttpStatus.TOO_MANY_REQUESTS, "budget_exceeded", "rate_limit_error"),

	/** The shared state store (Redis) cannot be reached and {@code on-unavailable} is {@code deny}. */
	STATE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "state_unavailable", "server_error"),

	/** A fault of the gateway itself; the message never carries internals. */
	INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "server_error");

	private final HttpStatus status;

	private final String code;

	private final String type;

	ErrorCode(HttpStatus status, String code, String type) {
		this.status = status;
		this.code = code;
		this.type = type;
	}

	public HttpStatus status() {
		return this.status;
	}

	/** The machine-readable code, e.g. {@code model_not_found}. */
	public String code() {
		return this.code;
	}

	/** The OpenAI-style error type, e.g. {@code invalid_request_error}. */
	public String type() {
		return this.type;
	}

}
