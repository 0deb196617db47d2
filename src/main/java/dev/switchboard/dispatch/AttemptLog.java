package dev.switchboard.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import dev.switchboard.routing.Target;

/**
 * What happened to each target of one request: the source of {@code x-switchboard-attempts}, the 502 message and the
 * fallback metrics. Hedged attempts, timers and the deadline write and read it from several event loops, so every
 * change is made under its lock (uncontended but for hedges).
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
	synchronized void started() {
		this.attempts++;
	}

	synchronized void failed(Target target, String reason, int status, @Nullable Duration retryAfter) {
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
	synchronized void skipped(Target target, String reason) {
		this.skippedTargets++;
		this.failures.add(name(target) + ": skipped, " + reason);
	}

	/** Why a target was given up on after its attempts, for the error message. */
	synchronized void gaveUp(Target target, String reason) {
		this.failures.add(name(target) + ": gave up, " + reason);
	}

	synchronized void unsupported(Target target, String reason) {
		this.unsupported++;
		this.failures.add(name(target) + ": " + reason);
	}

	/** An attempt cancelled in flight: its hedge won, the deadline passed or the client left. */
	synchronized void cancelled(Target target) {
		this.failures.add(name(target) + ": cancelled in flight");
	}

	/** Upstream requests actually made. */
	public int attempts() {
		return this.attempts;
	}

	/** Whether every attempt answered 429 and no target was skipped for another reason. */
	synchronized boolean allRateLimited() {
		return this.rateLimited > 0 && this.rateLimited == this.failedAttempts && this.skippedTargets == 0
				&& this.unsupported == 0;
	}

	/** Whether no target could serve the request at all (wrong format or endpoint). */
	synchronized boolean noneSupported() {
		return this.unsupported > 0 && this.unsupported == this.failures.size();
	}

	synchronized @Nullable Duration shortestRetryAfter() {
		return this.shortestRetryAfter;
	}

	String summary() {
		return String.join("; ", this.failures);
	}

	private static String name(Target target) {
		return target.provider().id() + "/" + target.model();
	}

}
