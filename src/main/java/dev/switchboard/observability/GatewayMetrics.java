package dev.switchboard.observability;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import dev.switchboard.support.TokenUsage;

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

	/** The gateway's own time to each answer: total time less the time spent on upstreams; tag route. */
	public static final String OVERHEAD = "switchboard.overhead";

	/** Hedged requests: each hedge started, then who won; tags route, provider (the target hedged), outcome. */
	public static final String HEDGES = "switchboard.hedges";

	/** Configuration reloads; tags outcome (success, failure), trigger (file, endpoint). */
	public static final String CONFIG_RELOADS = "switchboard.config.reloads";

	/**
	 * OpenTelemetry GenAI convention: duration of each request that reached a model, in seconds; tags
	 * gen_ai.operation.name, gen_ai.provider.name, gen_ai.request.model, error.type ({@code none} on success).
	 */
	public static final String GEN_AI_OPERATION_DURATION = "gen_ai.client.operation.duration";

	/**
	 * OpenTelemetry GenAI convention: tokens per request where the answer reported them (or the gateway estimated
	 * them); tags as the duration, with gen_ai.token.type (input, output) in place of error.type, and key and route.
	 */
	public static final String GEN_AI_TOKEN_USAGE = "gen_ai.client.token.usage";

	/** Bucket bounds of the GenAI duration histogram, in seconds, as the convention advises. */
	private static final double[] DURATION_BUCKETS = { 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
			20.48, 40.96, 81.92 };

	/** Bucket bounds of the GenAI token histogram, as the convention advises. */
	private static final double[] TOKEN_BUCKETS = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
			4194304, 16777216, 67108864 };

	static final int MAX_MODELS_PER_PROVIDER = 50;

	private final ConcurrentMap<GenAiTags, Timer> genAiDurations = new ConcurrentHashMap<>();

	private final ConcurrentMap<TokenTags, io.micrometer.core.instrument.DistributionSummary> genAiTokens = new ConcurrentHashMap<>();

	private final MeterRegistry registry;

	private final ConcurrentMap<RequestTags, Timer> requests = new ConcurrentHashMap<>();

	private final ConcurrentMap<AttemptTags, Timer> attempts = new ConcurrentHashMap<>();

	private final ConcurrentMap<RouteProviderTags, Counter> fallbacks = new ConcurrentHashMap<>();

	private final ConcurrentMap<RetryTags, Counter> retries = new ConcurrentHashMap<>();

	private final ConcurrentMap<RouteProviderTags, Counter> hedges = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Timer> overheads = new ConcurrentHashMap<>();

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

	/**
	 * Records a request as a GenAI operation: its duration, and its tokens when the answer reported them.
	 * @param model the model sent upstream (bounded per provider like the {@code model} tag)
	 * @param errorType the failure, or {@code null}
	 */
	public void genAiOperation(String operation, String providerName, String model, @Nullable String errorType,
			long nanos, TokenUsage usage, String key, String route) {
		String bounded = boundedModel(providerName, model);
		this.genAiDurations
			.computeIfAbsent(new GenAiTags(operation, providerName, bounded, (errorType != null) ? errorType : "none"),
					t -> Timer.builder(GEN_AI_OPERATION_DURATION)
						.description("GenAI operation duration")
						.tag(GenAiConventions.OPERATION_NAME, t.operation)
						.tag(GenAiConventions.PROVIDER_NAME, t.provider)
						.tag(GenAiConventions.REQUEST_MODEL, t.model)
						.tag(GenAiConventions.ERROR_TYPE, t.last)
						.serviceLevelObjectives(durations())
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
		if (usage.inputTokens() >= 0) {
			tokens(new TokenTags(operation, providerName, bounded, "input", key, route)).record(usage.inputTokens());
		}
		if (usage.outputTokens() >= 0) {
			tokens(new TokenTags(operation, providerName, bounded, "output", key, route)).record(usage.outputTokens());
		}
	}

	private io.micrometer.core.instrument.DistributionSummary tokens(TokenTags tags) {
		return this.genAiTokens.computeIfAbsent(tags,
				t -> io.micrometer.core.instrument.DistributionSummary.builder(GEN_AI_TOKEN_USAGE)
					.description("Measures number of input and output tokens used")
					.tag(GenAiConventions.OPERATION_NAME, t.operation)
					.tag(GenAiConventions.PROVIDER_NAME, t.provider)
					.tag(GenAiConventions.REQUEST_MODEL, t.model)
					.tag(GenAiConventions.TOKEN_TYPE, t.type)
					.tag("key", t.key)
					.tag("route", t.route)
					.serviceLevelObjectives(TOKEN_BUCKETS)
					.register(this.registry));
	}

	private static Duration[] durations() {
		Duration[] buckets = new Duration[DURATION_BUCKETS.length];
		for (int i = 0; i < buckets.length; i++) {
			buckets[i] = Duration.ofNanos((long) (DURATION_BUCKETS[i] * 1e9));
		}
		return buckets;
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
			.computeIfAbsent(new RouteProviderTags(route, provider, reason), t -> Counter.builder(FALLBACKS)
				.description("Targets given up on, moving to the next target or failing the request")
				.tag("route", t.route)
				.tag("provider", t.provider)
				.tag("reason", t.kind)
				.register(this.registry))
			.increment();
	}

	public void overhead(String route, long nanos) {
		this.overheads
			.computeIfAbsent(route, r -> Timer.builder(OVERHEAD)
				.description("The gateway's own time to each answer (x-switchboard-overhead-ms): total less upstream time")
				.tag("route", r)
				.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * @param outcome {@code started} when the next target starts beside {@code provider}'s slow attempt, then one of
	 * {@code original_won}, {@code hedge_won} or {@code none_answered}
	 */
	public void hedge(String route, String provider, String outcome) {
		this.hedges
			.computeIfAbsent(new RouteProviderTags(route, provider, outcome), t -> Counter.builder(HEDGES)
				.description("Hedged requests: started, and which side answered first")
				.tag("route", t.route)
				.tag("provider", t.provider)
				.tag("outcome", t.kind)
				.register(this.registry))
			.increment();
	}

	/** Registers the reload counters at zero, so that an alert on failures has a series to watch from the start. */
	public void registerConfigReloads(java.util.List<String> triggers) {
		for (String trigger : triggers) {
			configReloadCounter(trigger, true);
			configReloadCounter(trigger, false);
		}
	}

	public void configReload(String trigger, boolean success) {
		configReloadCounter(trigger, success).increment();
	}

	private Counter configReloadCounter(String trigger, boolean success) {
		return Counter.builder(CONFIG_RELOADS)
			.description("Configuration reloads; a failure left the previous configuration in force")
			.tag("outcome", success ? "success" : "failure")
			.tag("trigger", trigger)
			.register(this.registry);
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

	/** GenAI meter tags; {@code last} is error.type or gen_ai.token.type. */
	private record GenAiTags(String operation, String provider, String model, String last) {
	}

	private record TokenTags(String operation, String provider, String model, String type, String key, String route) {
	}

	private record AttemptTags(String provider, String outcome) {
	}

	/** Route, provider and what happened: a fallback's reason, a hedge's outcome. */
	private record RouteProviderTags(String route, String provider, String kind) {
	}

	private record RetryTags(String route, String provider) {
	}

}
