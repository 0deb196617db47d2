package dev.switchboard.quota;

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

	static String usageField(String metric, String key, String route, String model) {
		return metric + SEPARATOR + key + SEPARATOR + route + SEPARATOR + model;
	}

}
