package dev.switchboard.quota;

import java.time.LocalDate;

import org.jspecify.annotations.Nullable;

/**
 * Names of the counters in the store, one scheme for both stores: {@code sb:q:<scope>:<name>:<metric>} for limits
 * ({@code :<window>} appended to rate counters, {@code :<period>} to budgets) and {@code sb:u:<day>} for the usage
 * hash of a UTC day, whose fields are {@code <metric> US <key> US <route> US <model>} (US = unit separator, which no
 * name contains).
 */
final class QuotaKeys {

	static final long DAY = 24L * 3600 * 1000;

	static final char SEPARATOR = '\u001f';

	private QuotaKeys() {
	}

	static String limit(Limit limit, String metric) {
		return "sb:q:" + limit.scope().id() + ":" + limit.name() + ":" + metric;
	}

	static String usage(String day) {
		return "sb:u:" + day;
	}

	private record Day(long epochDay, String key) {
	}

	private static volatile @Nullable Day today;

	/** The usage hash of today (UTC), built once a day. */
	static String usageToday() {
		long day = Math.floorDiv(System.currentTimeMillis(), DAY);
		Day known = today;
		if (known == null || known.epochDay() != day) {
			known = new Day(day, usage(LocalDate.ofEpochDay(day).toString()));
			today = known;
		}
		return known.key();
	}

	static String usageField(String metric, String key, String route, String model) {
		return metric + SEPARATOR + key + SEPARATOR + route + SEPARATOR + model;
	}

}
