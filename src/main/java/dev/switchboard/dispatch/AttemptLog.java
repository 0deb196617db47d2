package dev.switchboard.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.switchboard.routing.Target;

/**
 * What happened to each target of one request: the source of {@code x-switchboard-attempts}, the 502 message and the
 * fallback metrics. Only touched by the request's own pipeline, one step at a time.
 */
public final class AttemptLog {

	private final List<String> failures = new ArrayList<>(2);

	private int attempts;

	private int rateLimited;

	private int unsupported;

	private @Nullable Duration shortestRetryAfter;

	/** Counts an upstream request that is about to be sent. */
	void started() {
		this.attempts++;
	}

	void failed(Target target, String reason, int status, @Nullable Duration retryAfter) {
		this.failures.add(name(target) + ": " + reason);
		if (status == 429) {
			this.rateLimited++;
			if (retryAfter != null && (this.shortestRetryAfter == null || retryAfter.compareTo(this.shortestRetryAfter) < 0)) {
				this.shortestRetryAfter = retryAfter;
			}
		}
	}

	void skipped(Target target, String reason) {
		this.failures.add(name(target) + ": skipped, " + reason);
	}

	void unsupported(Target target, String reason) {
		this.unsupported++;
		this.failures.add(name(target) + ": " + reason);
	}

	/** Upstream requests actually made. */
	public int attempts() {
		return this.attempts;
	}

	/** Targets that failed or were skipped before the one that answered. */
	public int fallbacks() {
		return this.failures.size();
	}

	/** Whether every target that was tried answered 429 (and at least one was tried). */
	boolean allRateLimited() {
		return this.attempts > 0 && this.rateLimited == this.failures.size();
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
