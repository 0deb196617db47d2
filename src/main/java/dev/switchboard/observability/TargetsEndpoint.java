package dev.switchboard.observability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.provider.Provider;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import dev.switchboard.routing.TargetStats;

/**
 * {@code GET /actuator/targets}: every provider's circuit breaker and every route's targets as the gateway sees them
 * now: breaker state and failure rates, attempts in flight, recent time to first byte (moving average and p95). What
 * an operator asks when traffic shifts to a fallback: which breaker is open, which target is slow.
 */
@Endpoint(id = "targets")
public class TargetsEndpoint {

	private final RuntimeConfigHolder configs;

	public TargetsEndpoint(RuntimeConfigHolder configs) {
		this.configs = configs;
	}

	@ReadOperation
	public Map<String, Object> targets() {
		Map<String, Object> providers = new LinkedHashMap<>();
		this.configs.current().routes().providers().forEach((id, provider) -> providers.put(id, provider(provider)));
		Map<String, Object> routes = new LinkedHashMap<>();
		this.configs.current().routes().aliases().forEach((alias, plan) -> routes.put(alias, route(plan)));
		return Map.of("providers", providers, "routes", routes);
	}

	private static Map<String, Object> provider(Provider provider) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("type", provider.type().id());
		view.put("circuitBreaker", breaker(provider.circuitBreaker()));
		return view;
	}

	/** A breaker's state and window; rates are -1 until the window has its minimum number of calls. */
	static Map<String, Object> breaker(CircuitBreaker breaker) {
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("state", breaker.getState().name());
		view.put("failureRate", metrics.getFailureRate());
		view.put("slowCallRate", metrics.getSlowCallRate());
		view.put("bufferedCalls", metrics.getNumberOfBufferedCalls());
		view.put("failedCalls", metrics.getNumberOfFailedCalls());
		view.put("slowCalls", metrics.getNumberOfSlowCalls());
		view.put("notPermittedCalls", metrics.getNumberOfNotPermittedCalls());
		return view;
	}

	private static Map<String, Object> route(RoutePlan plan) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("strategy", plan.strategy().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
		view.put("deadlineMs", plan.deadline().toMillis());
		view.put("retries", plan.retries());
		view.put("hedgeAfter", (plan.hedge() != null) ? plan.hedge().toString() : null);
		view.put("keepAliveIntervalMs", plan.keepAliveInterval().toMillis());
		List<Map<String, Object>> targets = plan.targets().stream().map(TargetsEndpoint::target).toList();
		view.put("targets", targets);
		return view;
	}

	private static Map<String, Object> target(Target target) {
		TargetStats stats = target.stats();
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("provider", target.provider().id());
		view.put("model", target.model());
		view.put("weight", target.weight());
		view.put("circuitBreakerState", target.provider().circuitBreaker().getState().name());
		view.put("inFlight", stats.inFlight());
		view.put("firstByteAverageMs", Math.round(stats.latencyNanos() / 1e4) / 100.0);
		long p95 = stats.firstBytePercentileNanos(95);
		view.put("firstByteP95Ms", (p95 > 0) ? Math.round(p95 / 1e4) / 100.0 : null);
		view.put("firstByteTimeoutMs", target.firstByteTimeout().toMillis());
		view.put("idleTimeoutMs", target.idleTimeout().toMillis());
		return view;
	}

}
