package dev.switchboard.support;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * An error the gateway answers itself, rendered in the caller's wire format by {@link GatewayErrorHandler}.
 * <p>
 * It carries no stack trace: these are expected outcomes (bad key, unknown model), created on the request path, and
 * filling in a stack for each would cost more than the rest of the rejection.
 */
public class GatewayException extends RuntimeException {

	private final ErrorCode code;

	private final @Nullable String param;

	private final HttpHeaders headers;

	public GatewayException(ErrorCode code, String message) {
		this(code, message, null, HttpHeaders.EMPTY);
	}

	public GatewayException(ErrorCode code, String message, @Nullable String param, HttpHeaders headers) {
		super(message, null, false, false);
		this.code = code;
		this.param = param;
		this.headers = headers;
	}

	public ErrorCode code() {
		return this.code;
	}

	/** The request field the error is about, or {@code null}. */
	public @Nullable String param() {
		return this.param;
	}

	/** Extra response headers, such as {@code Retry-After}. */
	public HttpHeaders headers() {
		return this.headers;
	}

}
