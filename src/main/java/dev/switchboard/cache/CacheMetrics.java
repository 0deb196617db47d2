package dev.switchboard.cache;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.switchboard.support.TokenUsage;

/**
 * The cache's meters. Tags stay low-cardinality: the route, the result, the store.
 * <ul>
 * <li>{@value #REQUESTS} (route, result): {@code hit}, {@code semantic_hit}, {@code joined} (served by an identical
 * request in flight), {@code miss}, {@code bypass} ({@code Cache-Control: no-cache} or {@code no-store});</li>
 * <li>{@value #SAVED_TOKENS} (route, type input|output): tokens of the answers served without an upstream call;</li>
 * <li>{@value #SAVED_USD} (route): what those answers cost when they were first answered (the quota slot's price);</li>
 * <li>{@value #STORE_ERRORS} (store, operation get|put): store calls that failed and became misses or were not kept;</li>
 * <li>{@value #SEMANTIC_LOOKUP} (route): the semantic lookup, embedding included;</li>
 * <li>{@value #ENTRIES} and {@value #BYTES}: what the local store holds;</li>
 * <li>{@value #FLIGHTS}: upstream calls in flight that identical requests may join.</li>
 * </ul>
 */
final class CacheMetrics {

	static final String REQUESTS = "switchboard.cache.requests";

	static final String SAVED_TOKENS = "switchboard.cache.saved.tokens";

	static final String SAVED_USD = "switchboard.cache.saved.usd";

	static final String STORE_ERRORS = "switchboard.cache.store.errors";

	static final String SEMANTIC_LOOKUP = "switchboard.cache.semantic.lookup";

	static final String ENTRIES = "switchboard.cache.entries";

	static final String BYTES = "switchboard.cache.bytes";

	static final String FLIGHTS = "switchboard.cache.flights";

	private final MeterRegistry registry;

	CacheMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void request(String route, String result) {
		Counter.builder(REQUESTS)
			.description("AI requests of cached routes, by what the cache did")
			.tag("route", route)
			.tag("result", result)
			.register(this.registry)
			.increment();
	}

	/** What serving {@code answer} without an upstream call saved: its tokens and its original cost. */
	void saved(String route, CachedAnswer answer) {
		saved(route, answer.usage());
		if (answer.costMicroUsd() > 0) {
			Counter.builder(SAVED_USD)
				.description("What the answers served from the cache cost when they were first answered, in USD")
				.tag("route", route)
				.register(this.registry)
				.increment(answer.costMicroUsd() / 1_000_000.0);
		}
	}

	void saved(String route, TokenUsage usage) {
		if (usage.inputTokens() > 0) {
			saved(route, "input").increment(usage.inputTokens());
		}
		if (usage.outputTokens() > 0) {
			saved(route, "output").increment(usage.outputTokens());
		}
	}

	private Counter saved(String route, String type) {
		return Counter.builder(SAVED_TOKENS)
			.description("Tokens of answers served from the cache instead of an upstream call")
			.tag("route", route)
			.tag("type", type)
			.register(this.registry);
	}

	void storeError(String store, String operation) {
		Counter.builder(STORE_ERRORS)
			.description("Cache store calls that failed (a miss, or an answer not kept)")
			.tag("store", store)
			.tag("operation", operation)
			.register(this.registry)
			.increment();
	}

	void semanticLookup(String route, long nanos) {
		Timer.builder(SEMANTIC_LOOKUP)
			.description("Semantic cache lookups, embedding included")
			.tag("route", route)
			.publishPercentiles(0.5, 0.99)
			.register(this.registry)
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	void flights(Singleflight singleflight) {
		this.registry.gauge(FLIGHTS, singleflight, Singleflight::size);
	}

	void local(LocalCacheStore store) {
		this.registry.gauge(ENTRIES, store, LocalCacheStore::size);
		this.registry.gauge(BYTES, store, LocalCacheStore::bytes);
	}

}
