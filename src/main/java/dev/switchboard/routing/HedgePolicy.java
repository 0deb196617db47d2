package dev.switchboard.routing;

import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * When a route starts its next target while the current one has not produced its first byte: after a fixed delay
 * ({@code hedge-after: 800ms}), or after a percentile of the current target's recent times to first byte
 * ({@code hedge-after: p95}). A percentile needs {@value TargetStats#MIN_SAMPLES} measured attempts of the target
 * before it hedges at all, so a target with no history is never hedged on a guess.
 */
public final class HedgePolicy {

	private final @Nullable Duration fixed;

	private final int percentile;

	private HedgePolicy(@Nullable Duration fixed, int percentile) {
		this.fixed = fixed;
		this.percentile = percentile;
	}

	/**
	 * Parses a {@code hedge-after} value.
	 * @throws IllegalArgumentException with a message fit for a configuration error
	 */
	public static HedgePolicy parse(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		if (text.matches("p\\d{1,2}(\\.\\d+)?")) {
			int percentile = (int) Math.floor(Double.parseDouble(text.substring(1)));
			if (percentile < 1) {
				throw new IllegalArgumentException("a percentile is p1 to p99");
			}
			return new HedgePolicy(null, percentile);
		}
		Duration fixed;
		try {
			fixed = DurationStyle.detectAndParse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + value + "' is neither a duration (800ms, 2s) nor a percentile (p95)");
		}
		if (fixed.isNegative() || fixed.isZero()) {
			throw new IllegalArgumentException("must be positive");
		}
		return new HedgePolicy(fixed, 0);
	}

	/** How long to give {@code target} before hedging, or {@code null} for no hedge (not enough history yet). */
	public @Nullable Duration after(Target target) {
		if (this.fixed != null) {
			return this.fixed;
		}
		long nanos = target.stats().firstBytePercentileNanos(this.percentile);
		return (nanos > 0) ? Duration.ofNanos(nanos) : null;
	}

	@Override
	public String toString() {
		return (this.fixed != null) ? this.fixed.toMillis() + "ms" : "p" + this.percentile;
	}

}
