package dev.switchboard.resilience;

import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;

/**
 * Which upstream outcomes move on to the next target. The rule: the provider failed, not the request. So connection
 * failures, timeouts before the response headers, 408, 409, 429 and every 5xx fall back; any other 4xx is the
 * client's to see, unchanged.
 */
public final class FallbackPolicy {

	private FallbackPolicy() {
	}

	/** Whether an upstream answer with this status is a failed attempt that the next target should retry. */
	public static boolean fallsBack(int status) {
		return status == 408 || status == 409 || status == 429 || status >= 500;
	}

	/** A short, key-free description of why an attempt failed, for the 502 message and logs. */
	public static String describe(Throwable failure) {
		if (failure instanceof UpstreamStatusException status) {
			return "HTTP " + status.status();
		}
		if (failure instanceof CallNotPermittedException) {
			return "circuit breaker open";
		}
		if (failure instanceof ContextLengthExceededException) {
			return "context length exceeded";
		}
		if (failure instanceof InvalidAnswerException invalid) {
			return invalid.getMessage();
		}
		if (failure instanceof TimeoutException) {
			return "no response within the first-byte timeout";
		}
		if (failure instanceof java.net.ConnectException || hasCause(failure, java.net.ConnectException.class)) {
			return "connection refused";
		}
		if (failure instanceof io.netty.channel.ConnectTimeoutException) {
			return "connect timeout";
		}
		if (failure instanceof dev.switchboard.provider.http.StaleConnectionException) {
			return "a reused connection closed before the response";
		}
		if (failure instanceof reactor.netty.http.client.PrematureCloseException) {
			return "connection closed before the response";
		}
		if (failure instanceof java.net.UnknownHostException) {
			return "unknown host";
		}
		if (failure instanceof java.io.IOException) {
			return "I/O error (" + failure.getClass().getSimpleName() + ")";
		}
		return "error (" + failure.getClass().getSimpleName() + ")";
	}

	/** A low-cardinality name for the kind of failure, for metric tags. */
	public static String kind(Throwable failure) {
		if (failure instanceof UpstreamStatusException status) {
			return Integer.toString(status.status());
		}
		if (failure instanceof TimeoutException) {
			return "timeout";
		}
		if (failure instanceof ContextLengthExceededException) {
			return "context_length";
		}
		if (failure instanceof InvalidAnswerException) {
			return "invalid_answer";
		}
		if (failure instanceof java.net.ConnectException || hasCause(failure, java.net.ConnectException.class)
				|| failure instanceof io.netty.channel.ConnectTimeoutException) {
			return "connect_error";
		}
		return (failure instanceof java.io.IOException) ? "io_error" : "error";
	}

	private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

}
