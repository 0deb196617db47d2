package dev.switchboard.config;

import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Turns a provider's {@code circuit-breaker} settings into its Resilience4j breaker: what the provider sets overrides
 * the registry's default config ({@code resilience4j.circuitbreaker.configs.default}), the rest is inherited. The
 * breaker measures an attempt up to its answer (headers and, for a stream, the first event), so a slow call is one
 * slow to its first byte.
 */
final class CircuitBreakerSettings {

	private CircuitBreakerSettings() {
	}

	/** Adds a problem for each value out of range. */
	static void check(String where, SwitchboardProperties.CircuitBreaker settings, List<String> problems) {
		percentage(where + ".failure-rate-threshold", settings.getFailureRateThreshold(), problems);
		percentage(where + ".slow-call-rate-threshold", settings.getSlowCallRateThreshold(), problems);
		atLeastOne(where + ".minimum-calls", settings.getMinimumCalls(), problems);
		atLeastOne(where + ".window-size", settings.getWindowSize(), problems);
		atLeastOne(where + ".half-open-calls", settings.getHalfOpenCalls(), problems);
		if (settings.getWaitInOpen() != null && (settings.getWaitInOpen().isNegative() || settings.getWaitInOpen().isZero())) {
			problems.add(where + ".wait-in-open must be positive");
		}
		if (settings.getSlowCallThreshold() != null
				&& (settings.getSlowCallThreshold().isNegative() || settings.getSlowCallThreshold().isZero())) {
			problems.add(where + ".slow-call-threshold must be positive");
		}
	}

	/** The provider's breaker, built from checked settings. */
	static CircuitBreaker breaker(CircuitBreakerRegistry registry, String providerId,
			SwitchboardProperties.CircuitBreaker settings) {
		CircuitBreakerConfig.Builder config = CircuitBreakerConfig.from(registry.getDefaultConfig());
		if (settings.getFailureRateThreshold() != null) {
			config.failureRateThreshold(settings.getFailureRateThreshold());
		}
		if (settings.getMinimumCalls() != null) {
			config.minimumNumberOfCalls(settings.getMinimumCalls());
		}
		if (settings.getWindowSize() != null) {
			config.slidingWindowSize(settings.getWindowSize());
		}
		if (settings.getWaitInOpen() != null) {
			config.waitDurationInOpenState(settings.getWaitInOpen());
		}
		if (settings.getHalfOpenCalls() != null) {
			config.permittedNumberOfCallsInHalfOpenState(settings.getHalfOpenCalls());
		}
		if (settings.getSlowCallThreshold() != null) {
			config.slowCallDurationThreshold(settings.getSlowCallThreshold());
		}
		if (settings.getSlowCallRateThreshold() != null) {
			config.slowCallRateThreshold(settings.getSlowCallRateThreshold());
		}
		return registry.circuitBreaker(providerId, config.build());
	}

	private static void percentage(String where, @Nullable Float value, List<String> problems) {
		if (value != null && (value <= 0 || value > 100)) {
			problems.add(where + " must be above 0 and at most 100 (a percentage)");
		}
	}

	private static void atLeastOne(String where, @Nullable Integer value, List<String> problems) {
		if (value != null && value < 1) {
			problems.add(where + " must be at least 1");
		}
	}

}
