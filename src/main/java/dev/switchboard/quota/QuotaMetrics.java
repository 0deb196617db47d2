package dev.switchboard.quota;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The quota meters. Key, route and provider names come from the configuration (and direct models are bounded by
 * the provider's), so the tags stay low-cardinality.
 */
public final class QuotaMetrics {

	/** US dollars spent; tags key, route, provider, model, cached. */
	public static final String COST = "switchboard.cost";

	/** Answers by a model with no known price (they cost 0); tags provider, model. */
	public static final String UNPRICED = "switchboard.cost.unpriced";

	/** Answers past a budget's warn-at; tags scope, name. */
	public static final String BUDGET_WARNINGS = "switchboard.budget.warnings";

	/** Requests refused by a limit; tags scope, name, limit (requests-per-minute, ..., budget). */
	public static final String REJECTIONS = "switchboard.quota.rejections";

	/** Requests admitted without their limits checked because the shared store was down (on-unavailable: allow). */
	public static final String DEGRADED = "switchboard.quota.degraded";

	private final MeterRegistry registry;

	private final ConcurrentMap<CostTags, Counter> costs = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

	private final Counter degraded;

	public QuotaMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.degraded = Counter.builder(DEGRADED)
			.description("Requests admitted without their limits checked while the shared state store was down")
			.register(registry);
	}

	void cost(String key, String route, String provider, String model, boolean cached, long microUsd) {
		this.costs.computeIfAbsent(new CostTags(key, route, provider, model, cached), t -> Counter.builder(COST)
			.description("US dollars spent, by the price of the model that answered")
			.baseUnit("usd")
			.tag("key", t.key)
			.tag("route", t.route)
			.tag("provider", t.provider)
			.tag("model", t.model)
			.tag("cached", Boolean.toString(t.cached))
			.register(this.registry)).increment(microUsd / 1_000_000.0);
	}

	void unpriced(String provider, String model) {
		counter(UNPRICED, "Answers by a model with no known price, counted at 0", "provider", provider, "model", model)
			.increment();
	}

	void budgetWarning(Limit limit) {
		counter(BUDGET_WARNINGS, "Answers past a budget's warn-at", "scope", limit.scope().id(), "name", limit.name())
			.increment();
	}

	void rejection(Check check) {
		this.counters.computeIfAbsent(REJECTIONS + check.limitOf().scope() + check.limitOf().name() + check.metric(),
				k -> Counter.builder(REJECTIONS)
					.description("Requests refused by a limit")
					.tag("scope", check.limitOf().scope().id())
					.tag("name", check.limitOf().name())
					.tag("limit", check.metric().property())
					.register(this.registry))
			.increment();
	}

	void degraded() {
		this.degraded.increment();
	}

	private Counter counter(String name, String description, String tag1, String value1, String tag2, String value2) {
		return this.counters.computeIfAbsent(name + '\u001f' + value1 + '\u001f' + value2, k -> Counter.builder(name)
			.description(description)
			.tag(tag1, value1)
			.tag(tag2, value2)
			.register(this.registry));
	}

	private record CostTags(String key, String route, String provider, String model, boolean cached) {
	}

}
