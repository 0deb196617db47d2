package dev.switchboard.quota;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

/**
 * Where the counters live: in this process ({@link LocalQuotaStore}) or in Redis ({@link RedisQuotaStore}), with one
 * meaning. An admission checks every counter that applies and, only when all pass, counts the request in all of
 * them, atomically: two requests can never both take the last unit of a limit, on one replica or on many.
 */
public interface QuotaStore {

	/** Usage rows are kept this long. */
	long USAGE_RETENTION_MILLIS = 400L * 24 * 3600 * 1000;

	/**
	 * Checks {@code checks} and counts them when all pass.
	 * @param member the request's id, its entry in concurrency counters until released
	 */
	Mono<Decision> admit(List<Check> checks, String member);

	/** The counters of {@code checks} now, without counting anything (their costs are ignored). */
	Mono<Decision> peek(List<Check> checks);

	/** Applies {@code ops}; an outage keeps them to be applied when the store is back. Never fails. */
	Mono<Void> apply(List<Op> ops);

	/** The usage hash of each day in {@code days} ({@code 2026-12-03}): field to amount. */
	Mono<Map<String, Map<String, Long>>> usage(List<String> days);

}
