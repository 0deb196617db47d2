package dev.switchboard.provider;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * A configured provider, compiled from {@code switchboard.providers.<id>}.
 *
 * @param id the provider id
 * @param type its wire type
 * @param timeout how long one attempt waits for response headers
 * @param models the models listed by {@code /v1/models}
 * @param adapter talks to it
 * @param circuitBreaker shared by every target on this provider
 */
public record Provider(String id, ProviderType type, Duration timeout, List<String> models, ProviderAdapter adapter,
		CircuitBreaker circuitBreaker) {
}
