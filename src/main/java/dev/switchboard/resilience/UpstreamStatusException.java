package dev.switchboard.resilience;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * An upstream answer whose status means the attempt failed (see {@link FallbackPolicy#fallsBack}). Raised so that
 * the circuit breaker counts it as a failure; never seen by a client.
 */
public class UpstreamStatusException extends RuntimeException {

	private final int status;

	private final @Nullable Duration retryAfter;

	public UpstreamStatusException(int status, @Nullable Duration retryAfter) {
		super("HTTP " + status, null, false, false);
		this.status = status;
		this.retryAfter = retryAfter;
	}

	public int status() {
		return this.status;
	}

	/** How long the provider asked us to wait, when it said. */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

}
