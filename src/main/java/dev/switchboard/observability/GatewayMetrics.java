package dev.switchboard.observability;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's own meters. Meters are looked up once per tag combination and kept, so recording on the request
 * path is a map lookup and an add.
 * <p>
 * Tags stay low-cardinality: model names come from clients on direct {@code provider/model} requests, so each
 * provider contributes at most {@value #MAX_MODELS_PER_PROVIDER} distinct model tags and the rest count as
 * {@code other}. Keys, user ids and prompts are never tags.
 */
public class GatewayMetrics {

	/** Requests through the gateway; tags route, provider, model, status, outcome. */
	public static final String REQUESTS = "switchboard.requests";

	/** Upstream attempts (time to response headers); tags provider, outcome. */
	public static final String UPSTREAM_ATTEMPTS = "switchboard.upstream.attempts";

	/** Targets given up on before another one answered or the request failed; tags route, provider, reason. */
	public static final String FALLBACKS = "switchboard.fallbacks";

	/** Upstream requests made per client request; tag route. */
	public static final String ATTEMPTS_PER_REQUEST = "switchboard.request.attempts";

	/** Same-target retries; tags route, provider. */
	public static final String RETRIES = "switchboard.retries";

	/** Hedged requests: each hedge started, then who won; tags route, provider (the target hedged), outcome. */
	public static final String HEDGES = "switchboard.hedges";

	static final int MAX_MODELS_PER_PROVIDER = 50;

	private final MeterRegistry registry;

	private final ConcurrentMap<RequestTags, Timer> requests = new ConcurrentHashMap<>();

	private final ConcurrentMap<AttemptTags, Timer> attempts = new ConcurrentHashMap<>();

	private final ConcurrentMap<FallbackTags, Counter> fallbacks = new ConcurrentHashMap<>();

	private final ConcurrentMap<RetryTags, Counter> retries = new ConcurrentHashMap<>();

	private final ConcurrentMap<FallbackTags, Counter> hedges = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, io.micrometer.core.instrument.DistributionSummary> attemptCounts = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Set<String>> modelsByProvider = new ConcurrentHashMap<>();

	public GatewayMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	public void request(String route, String provider, String model, int status, String outcome, int upstreamAttempts,
			long nanos) {
		RequestTags tags = new RequestTags(route, provider, boundedModel(provider, model), status, outcome);
		this.requests
			.computeIfAbsent(tags, t -> Timer.builder(REQUESTS)
				.description("Requests through the gateway, from arrival to the last byte of the response")
				.tag("route", t.route)
				.tag("provider", t.provider)
				.tag("model", t.model)
				.tag("status", Integer.toString(t.status))
				.tag("outcome", t.outcome)
				.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
		if (upstreamAttempts >= 0) {
			this.attemptCounts
				.computeIfAbsent(route, r -> io.micrometer.core.instrument.DistributionSummary.builder(ATTEMPTS_PER_REQUEST)
					.description("Upstream requests made for one client request")
					.tag("route", r)
					.register(this.registry))
				.record(upstreamAttempts);
		}
	}

	public void upstreamAttempt(String provider, String outcome, long nanos) {
		this.attempts
			.computeIfAbsent(new AttemptTags(provider, outcome), t -> Timer.builder(UPSTREAM_ATTEMPTS)
				.description("Upstream attempts, from sending the request to the response headers (time to first byte)")
				.tag("provider", t.provider)
				.tag("outcome", t.outcome)
				.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	public void retry(String route, String provider) {
		this.retries
			.computeIfAbsent(new RetryTags(route, provider), t -> Counter.builder(RETRIES)
				.description("Same-target retries after a failed attempt")
				.tag("route", t.route)
				.tag("provider", t.provider)
				.register(this.registry))
			.increment();
	}

	public void fallback(String route, String provider, String reason) {
		this.fallbacks
			.computeIfAbsent(new FallbackTags(route, provider, reason), t -> Counter.builder(FALLBACKS)
				.description("Targets given up on, moving to the next target or failing the request")
				.tag("route", t.route)
				.tag("provider", t.provider)
				.tag("reason", t.reason)
				.register(this.registry))
			.increment();
	}

	/**
	 * @param outcome {@code started} when the next target starts beside {@code provider}'s slow attempt, then one of
	 * {@code original_won}, {@code hedge_won} or {@code none_answered}
	 */
	public void hedge(String route, String provider, String outcome) {
		this.hedges
			.computeIfAbsent(new FallbackTags(route, provider, outcome), t -> Counter.builder(HEDGES)
				.description("Hedged requests: started, and which side answered first")
				.tag("route", t.route)
				.tag("provider", t.provider)
				.tag("outcome", t.reason)
				.register(this.registry))
			.increment();
	}

	private String boundedModel(String provider, String model) {
		Set<String> seen = this.modelsByProvider.computeIfAbsent(provider, p -> ConcurrentHashMap.newKeySet());
		if (seen.contains(model)) {
			return model;
		}
		if (seen.size() < MAX_MODELS_PER_PROVIDER) {
			seen.add(model);
			return model;
		}
		return "other";
	}

	private record RequestTags(String route, String provider, String model, int status, String outcome) {
	}

	private record AttemptTags(String provider, String outcome) {
	}

	private record FallbackTags(String route, String provider, String reason) {
	}

	private record RetryTags(String route, String provider) {
	}

}
