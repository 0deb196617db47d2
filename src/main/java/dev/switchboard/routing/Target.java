package dev.switchboard.routing;

import java.time.Duration;
import java.util.Set;

import dev.switchboard.provider.Provider;

/**
 * One provider and the model it is asked for.
 *
 * @param provider the provider
 * @param model the model name sent upstream
 * @param firstByteTimeout request sent to response headers and, for a stream, its first event
 * @param idleTimeout longest silence between reads once the answer is going to the client
 * @param weight its share of first picks under the {@code weighted} strategy
 * @param stats recent latency and requests in flight, for the {@code least-latency} and {@code least-busy} strategies
 * @param dropFields top-level request fields cut out for this target (its conflict resolution)
 */
public record Target(Provider provider, String model, Duration firstByteTimeout, Duration idleTimeout, int weight,
		TargetStats stats, Set<String> dropFields) {

	/** A target with its provider's timeouts, weight 1 and nothing dropped. */
	public static Target of(Provider provider, String model) {
		return new Target(provider, model, provider.firstByteTimeout(), provider.idleTimeout(), 1, new TargetStats(),
				Set.of());
	}

}
