package dev.switchboard.provider;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * A configured provider, compiled from {@code switchboard.providers.<id>}.
 *
 * @param id the provider id
 * @param type its wire type
 * @param firstByteTimeout request sent to response headers and, for a stream, its first event
 * @param idleTimeout longest silence between reads once the answer is going to the client
 * @param models the models listed by {@code /v1/models}
 * @param adapter talks to it
 * @param circuitBreaker shared by every target on this provider
 */
public record Provider(String id, ProviderType type, Duration firstByteTimeout, Duration idleTimeout, List<String> models, ProviderAdapter adapter,
		CircuitBreaker circuitBreaker) {
}
