package dev.switchboard.quota;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One counter an admission checks and, when every check of the request passes, moves.
 *
 * @param kind what kind of counter
 * @param key the counter's store key (a rate counter's window index is appended by the store)
 * @param limit the most it may reach
 * @param cost what this request adds: 1 request, the reserved tokens, the reserved micro-USD
 * @param param rate: the window in ms; concurrency: the lease in ms (how long a crashed replica's request still
 * counts); budget: ms to the end of the period, 0 for a budget that never resets
 * @param limitOf the configured limit this counter belongs to
 * @param metric which of its limits
 */
public record Check(Kind kind, String key, long limit, long cost, long param, Limit limitOf, Metric metric) {

	/** The counter kinds, as the admission script names them. */
	public enum Kind {

		RATE("r"), CONCURRENCY("c"), BUDGET("b");

		private final String code;

		Kind(String code) {
			this.code = code;
		}

		public String code() {
			return this.code;
		}

	}

	/** Which limit of a {@link Limit}. */
	public enum Metric {

		REQUESTS("requests-per-minute"), TOKENS("tokens-per-minute"), CONCURRENT("concurrent-requests"),
		BUDGET("budget");

		private final String property;

		Metric(String property) {
			this.property = property;
		}

		/** The configuration name, as refusals and {@code /actuator/quotas} show it. */
		public String property() {
			return this.property;
		}

	}

	/**
	 * Adds {@code delta} to this rate or budget check's counter as of {@code nowMillis} (a rate counter's window then),
	 * with the lifetime that counter has wherever it is created: admission, settling, an undo, a count kept in an
	 * outage.
	 */
	Op add(long delta, long nowMillis) {
		return switch (this.kind) {
			case RATE -> Op.add(this.key + ":" + (nowMillis / this.param), delta, 2 * this.param + 1000);
			case BUDGET -> Op.add(this.key, delta, (this.param > 0) ? this.param + QuotaKeys.DAY : 0);
			case CONCURRENCY -> throw new IllegalStateException("a concurrency check has leases, not a count");
		};
	}

	/** The sliding window of rate limits. */
	static final long RATE_WINDOW_MILLIS = 60_000;

	/**
	 * The counters of {@code limit} for one request.
	 * @param tokens the tokens the request reserves
	 * @param microUsd what it reserves in millionths of a dollar
	 * @param leaseMillis how long its concurrency lease holds if nobody releases it
	 */
	static List<Check> of(Limit limit, long tokens, long microUsd, long leaseMillis, Instant now) {
		List<Check> checks = new ArrayList<>(4);
		if (limit.requestsPerMinute() > 0) {
			checks.add(new Check(Kind.RATE, QuotaKeys.limit(limit, "rpm"), limit.requestsPerMinute(), 1,
					RATE_WINDOW_MILLIS, limit, Metric.REQUESTS));
		}
		if (limit.tokensPerMinute() > 0) {
			checks.add(new Check(Kind.RATE, QuotaKeys.limit(limit, "tpm"), limit.tokensPerMinute(), tokens,
					RATE_WINDOW_MILLIS, limit, Metric.TOKENS));
		}
		if (limit.concurrentRequests() > 0) {
			checks.add(new Check(Kind.CONCURRENCY, QuotaKeys.limit(limit, "concurrent"), limit.concurrentRequests(), 1,
					leaseMillis, limit, Metric.CONCURRENT));
		}
		Limit.Budget budget = limit.budget();
		if (budget != null) {
			Instant end = budget.period().end(now);
			checks.add(new Check(Kind.BUDGET,
					QuotaKeys.limit(limit, (budget.inUsd() ? "budget-usd:" : "budget-tokens:") + budget.period().id(now)),
					budget.amount(), budget.inUsd() ? microUsd : tokens,
					(end != null) ? Math.max(1, end.toEpochMilli() - now.toEpochMilli()) : 0, limit, Metric.BUDGET));
		}
		return checks;
	}

}
