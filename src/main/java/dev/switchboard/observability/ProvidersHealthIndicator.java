package dev.switchboard.observability;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.switchboard.config.RuntimeConfigHolder;

/**
 * Health component {@code providers}: each provider's circuit breaker state. It is always UP: a provider that is
 * down is the provider's outage, which the gateway routes around, not the gateway's; a gateway marked down for it
 * would be taken out of its load balancer and answer nothing at all. It is not in the liveness or readiness groups.
 */
public class ProvidersHealthIndicator implements HealthIndicator {

	private final RuntimeConfigHolder configs;

	public ProvidersHealthIndicator(RuntimeConfigHolder configs) {
		this.configs = configs;
	}

	@Override
	public Health health() {
		Map<String, Object> breakers = new LinkedHashMap<>();
		int open = 0;
		for (var provider : this.configs.current().routes().providers().values()) {
			breakers.put(provider.id(), provider.circuitBreaker().getState().name());
			if (provider.circuitBreaker().getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
				open++;
			}
		}
		return Health.up().withDetail("openCircuitBreakers", open).withDetail("circuitBreakers", breakers).build();
	}

}
