package dev.switchboard.routing;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the load-aware strategies and hedging know of one target: an exponentially weighted moving average of its time
 * to first byte, its last {@value #WINDOW} times to first byte (for percentiles), and how many of its attempts are in
 * flight. Updated from any event loop, read without locks.
 */
public final class TargetStats {

	/** Weight of the newest sample: about the last ten attempts count. */
	static final double ALPHA = 0.2;

	/** Recent first-byte times kept for percentiles. */
	static final int WINDOW = 128;

	/** Percentiles need this many samples to mean something. */
	public static final int MIN_SAMPLES = 20;

	private final AtomicInteger inFlight = new AtomicInteger();

	/** A ring of the latest first-byte times, nanoseconds; racing writers may overwrite one another's slot. */
	private final long[] recent = new long[WINDOW];

	private final AtomicInteger samples = new AtomicInteger();

	/** Nanoseconds; 0 until the first sample, so that an unmeasured target gets tried and measured. */
	private volatile double latencyNanos;

	public void started() {
		this.inFlight.incrementAndGet();
	}

	/** An attempt ended; {@code firstByteNanos} is its time to first byte, or negative when it failed before. */
	public void finished(long firstByteNanos) {
		this.inFlight.decrementAndGet();
		if (firstByteNanos >= 0) {
			double previous = this.latencyNanos;
			// a lost update between two racing samples only drops one sample: no lock on the request path
			this.latencyNanos = (previous == 0) ? firstByteNanos : previous + ALPHA * (firstByteNanos - previous);
			this.recent[(this.samples.getAndIncrement() & Integer.MAX_VALUE) % WINDOW] = firstByteNanos;
		}
	}

	/**
	 * The {@code percentile}th percentile of the recent first-byte times, or 0 with fewer than {@value #MIN_SAMPLES}
	 * of them. Sorts a copy of at most {@value #WINDOW} numbers: cheap, and only hedged routes ask.
	 */
	public long firstBytePercentileNanos(int percentile) {
		int count = Math.min(this.samples.get() & Integer.MAX_VALUE, WINDOW);
		if (count < MIN_SAMPLES) {
			return 0;
		}
		long[] sorted = Arrays.copyOf(this.recent, count);
		Arrays.sort(sorted);
		int rank = (int) Math.ceil(percentile / 100.0 * count) - 1;
		return sorted[Math.max(0, Math.min(count - 1, rank))];
	}

	public int inFlight() {
		return this.inFlight.get();
	}

	public double latencyNanos() {
		return this.latencyNanos;
	}

}
