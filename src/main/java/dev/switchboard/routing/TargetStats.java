package dev.switchboard.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the load-aware strategies know of one target: an exponentially weighted moving average of its time to first
 * byte, and how many of its attempts are in flight. Updated from any event loop, read without locks.
 */
public final class TargetStats {

	/** Weight of the newest sample: about the last ten attempts count. */
	static final double ALPHA = 0.2;

	private final AtomicInteger inFlight = new AtomicInteger();

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
		}
	}

	public int inFlight() {
		return this.inFlight.get();
	}

	public double latencyNanos() {
		return this.latencyNanos;
	}

}
