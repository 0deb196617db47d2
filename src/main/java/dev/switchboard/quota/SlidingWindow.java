package dev.switchboard.quota;

/**
 * The sliding-window counter both stores use (the Redis one in {@code counters.lua}, the same arithmetic): a window's
 * count plus the previous window's, weighted by how much of it still overlaps the last {@code window} ms. Exact for
 * a steady rate, and never lets a burst at a window's edge through twice.
 */
final class SlidingWindow {

	private SlidingWindow() {
	}

	/** The count over the last window at {@code elapsed} ms into the current one. */
	static double weighted(long previous, long current, long elapsed, long window) {
		return previous * (double) (window - elapsed) / window + current;
	}

	/** Ms until {@code cost} more fits under {@code limit}. */
	static long retryAfter(long previous, long current, long cost, long limit, long elapsed, long window) {
		double room = limit - current - cost;
		if (room >= 0 && previous > 0) {
			// within this window, once enough of the previous one has slid out
			return (long) Math.ceil(Math.max(0, (window - elapsed) - room * window / previous));
		}
		long rest = window - elapsed;
		double roomNext = limit - cost;
		if (roomNext < 0) {
			return rest + window;
		}
		if (current <= 0) {
			return rest;
		}
		// in the next window, once enough of this one has slid out
		return rest + (long) Math.ceil(Math.max(0, window - roomNext * window / current));
	}

	/** Ms until the counter is back to zero: the current window's counts slide out by the end of the next. */
	static long reset(long previous, long current, long elapsed, long window) {
		if (current > 0) {
			return 2 * window - elapsed;
		}
		return (previous > 0) ? window - elapsed : 0;
	}

}
