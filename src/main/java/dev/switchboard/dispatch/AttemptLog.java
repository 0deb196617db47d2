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

	/** Time spent waiting on upstreams: every attempt's duration, and backoff before retries. */
	private final java.util.concurrent.atomic.AtomicLong upstreamNanos = new java.util.concurrent.atomic.AtomicLong();

	/** Each attempt and skipped target in order, for {@code x-switchboard-routing}. */
	private final List<Step> steps = new CopyOnWriteArrayList<>();

	/** The outcome of an attempt whose reused connection closed before the response, and that was sent again. */
	static final String STALE_CONNECTION = "stale_connection";

	/** Counts an upstream request that is about to be sent. */
	synchronized void started() {
		this.attempts++;
	}

	/** The gateway answered for {@code target} itself: the request counted as started was never sent. */
	synchronized void answeredLocally(Target target, int status) {
		this.attempts--;
		this.steps.add(new Step(name(target), "local_" + status, -1));
	}

	/** The attempt that produced the answer. */
	void answered(Target target, int status, long nanos) {
		this.upstreamNanos.addAndGet(nanos);
		this.steps.add(new Step(name(target), Integer.toString(status), nanos));
	}

	/**
	 * @param outcome short and header-safe: the status, or a kind such as {@code timeout}
	 */
	synchronized void failed(Target target, String reason, String outcome, int status, @Nullable Duration retryAfter,
			long nanos) {
		this.steps.add(new Step(name(target), outcome, nanos));
		this.upstreamNanos.addAndGet(nanos);
		this.failedAttempts++;
		this.failures.add(name(target) + ": " + reason);
		if (status == 429) {
			this.rateLimited++;
			if (retryAfter != null && (this.shortestRetryAfter == null || retryAfter.compareTo(this.shortestRetryAfter) < 0)) {
				this.shortestRetryAfter = retryAfter;
			}
		}
	}

	/**
	 * An attempt whose reused connection closed before the response, about to be sent again: listed and timed, but
	 * not a failed attempt, so that an answer of the resend (a 429, say) is judged as if it were the only one.
	 */
	synchronized void resent(Target target, long nanos) {
		this.steps.add(new Step(name(target), STALE_CONNECTION, nanos));
		this.upstreamNanos.addAndGet(nanos);
		this.failures.add(name(target) + ": a reused connection closed before the response, sent again");
	}

	/** A target skipped without an attempt (its circuit breaker is open). */
	synchronized void skipped(Target target, String reason) {
		this.skippedTargets++;
		this.failures.add(name(target) + ": skipped, " + reason);
		this.steps.add(new Step(name(target), "skipped", -1));
	}

	/** Why a target was given up on after its attempts, for the error message. */
	synchronized void gaveUp(Target target, String reason) {
		this.failures.add(name(target) + ": gave up, " + reason);
	}

	synchronized void unsupported(Target target, String reason) {
		this.unsupported++;
		this.failures.add(name(target) + ": " + reason);
		this.steps.add(new Step(name(target), "unsupported", -1));
	}

	/** An attempt cancelled in flight: its hedge won, the deadline passed or the client left. */
	synchronized void cancelled(Target target, long nanos) {
		this.failures.add(name(target) + ": cancelled in flight");
		this.steps.add(new Step(name(target), "cancelled", nanos));
		this.upstreamNanos.addAndGet(nanos);
	}

	/** A backoff before a retry: waiting on the upstream, not gateway work. */
	void waited(long nanos) {
		this.upstreamNanos.addAndGet(nanos);
	}

	/**
	 * Time spent on upstreams so far. Hedged attempts overlap, so with hedging this can exceed the wall time; the
	 * overhead computed from it is then clamped at zero.
	 */
	public long upstreamNanos() {
		return this.upstreamNanos.get();
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

	/**
	 * The {@code x-switchboard-routing} header: every attempt and skipped target in order, as
	 * {@code provider/model;outcome=<status or kind>;dur=<ms>}, comma-separated (the shape of {@code Server-Timing}).
	 */
	public String routing() {
		StringBuilder header = new StringBuilder(64 * this.steps.size());
		for (Step step : this.steps) {
			if (header.length() > 0) {
				header.append(", ");
			}
			appendSafe(header, step.target).append(";outcome=").append(step.outcome);
			if (step.nanos >= 0) {
				long tenths = step.nanos / 100_000;
				header.append(";dur=").append(tenths / 10).append('.').append(tenths % 10);
			}
		}
		return header.toString();
	}

	/** Model names of direct requests come from clients: anything that could break the header becomes '_'. */
	private static StringBuilder appendSafe(StringBuilder header, String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			header.append((c > 0x20 && c < 0x7f && c != ',' && c != ';' && c != '"' && c != '=') ? c : '_');
		}
		return header;
	}

	private record Step(String target, String outcome, long nanos) {
	}

	private static String name(Target target) {
		return target.provider().id() + "/" + target.model();
	}

}
