package dev.switchboard.resilience;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * The wait before a same-target retry: exponential (250 ms, 500 ms, 1 s, ... at most 8 s) with jitter, so that the
 * retries of many requests spread out instead of arriving together, and never shorter than the provider asked.
 */
public final class Backoff {

	static final long BASE_MILLIS = 250;

	static final long MAX_MILLIS = 8_000;

	private Backoff() {
	}

	/**
	 * @param retry 0 for the first retry
	 * @param asked what the provider asked for, or {@code null}
	 */
	public static Duration before(int retry, @Nullable Duration asked) {
		long ceiling = Math.min(MAX_MILLIS, BASE_MILLIS << Math.min(retry, 16));
		// "equal jitter": at least half the exponential step, so a retry never comes right away
		long millis = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
		Duration wait = Duration.ofMillis(millis);
		return (asked != null && asked.compareTo(wait) > 0) ? asked : wait;
	}

}
