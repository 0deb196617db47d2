package dev.switchboard.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import dev.switchboard.routing.Target;

/**
 * What happened to each target of one request: the source of {@code x-switchboard-attempts}, the 502 message and the
 * fallback metrics. Attempts run one at a time; only the deadline's timer may read it from another thread.
 */
public final class AttemptLog {

	/** Written by attempts, read by the deadline's timer, which may run on another event loop. */
	private final List<String> failures = new CopyOnWriteArrayList<>();

	private volatile int attempts;

	private int rateLimited;

	private int failedAttempts;

	private int skippedTargets;

	private int unsupported;

	private @Nullable Duration shortestRetryAfter;

	/** Counts an upstream request that is about to be sent. */
	void started() {
		this.attempts++;
	}

	void failed(Target target, String reason, int status, @Nullable Duration retryAfter) {
		this.failedAttempts++;
		this.failures.add(name(target) + ": " + reason);
		if (status == 429) {
			this.rateLimited++;
			if (retryAfter != null && (this.shortestRetryAfter == null || retryAfter.compareTo(this.shortestRetryAfter) < 0)) {
				this.shortestRetryAfter = retryAfter;
			}
		}
	}

	/** A target skipped without an attempt (its circuit breaker is open). */
	void skipped(Target target, String reason) {
		this.skippedTargets++;
		this.failures.add(name(target) + ": skipped, " + reason);
	}

	/** Why a target was given up on after its attempts, for the error message. */
	void gaveUp(Target target, String reason) {
		this.failures.add(name(target) + ": gave up, " + reason);
	}

	void unsupported(Target target, String reason) {
		this.unsupported++;
		this.failures.add(name(target) + ": " + reason);
	}

	/** Upstream requests actually made. */
	public int attempts() {
		return this.attempts;
	}

	/** Whether every attempt answered 429 and no target was skipped for another reason. */
	boolean allRateLimited() {
		return this.rateLimited > 0 && this.rateLimited == this.failedAttempts && this.skippedTargets == 0
				&& this.unsupported == 0;
	}

	/** Whether no target could serve the request at all (wrong format or endpoint). */
	boolean noneSupported() {
		return this.unsupported > 0 && this.unsupported == this.failures.size();
	}

	@Nullable Duration shortestRetryAfter() {
		return this.shortestRetryAfter;
	}

	String summary() {
		return String.join("; ", this.failures);
	}

	private static String name(Target target) {
		return target.provider().id() + "/" + target.model();
	}

}
