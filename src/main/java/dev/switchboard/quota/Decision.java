package dev.switchboard.quota;

/**
 * What the store said to one admission.
 *
 * @param admitted whether every check passed (and was counted)
 * @param refused when not admitted, the index of the check that refused
 * @param retryAfterMillis when not admitted, how long until that check would pass (0 when unknown)
 * @param nowMillis the store's clock at admission; a rate counter's window is {@code nowMillis / window}
 * @param used per check, the counter after this request (or now, for a peek)
 * @param resetMillis per check, time until the counter is back to zero
 * @param degraded whether the shared store could not be reached and the request was admitted by
 * {@code on-unavailable: allow}, its counts kept to be added when the store is back
 */
public record Decision(boolean admitted, int refused, long retryAfterMillis, long nowMillis, long[] used,
		long[] resetMillis, boolean degraded) {

	static Decision refused(int index, long retryAfterMillis, long nowMillis) {
		return new Decision(false, index, retryAfterMillis, nowMillis, new long[0], new long[0], false);
	}

	static Decision degraded(int checks, long nowMillis) {
		return new Decision(true, -1, 0, nowMillis, new long[checks], new long[checks], true);
	}

}
