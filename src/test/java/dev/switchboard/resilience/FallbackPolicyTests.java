package dev.switchboard.resilience;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FallbackPolicyTests {

	@ParameterizedTest
	@ValueSource(ints = { 408, 409, 429, 500, 501, 502, 503, 504, 529, 599 })
	void fallsBackWhenTheProviderFailed(int status) {
		assertThat(FallbackPolicy.fallsBack(status)).as("HTTP %d is the provider's failure", status).isTrue();
	}

	@ParameterizedTest
	@ValueSource(ints = { 200, 201, 204, 301, 304, 400, 401, 403, 404, 405, 413, 415, 422, 451 })
	void doesNotFallBackWhenTheAnswerIsTheClients(int status) {
		assertThat(FallbackPolicy.fallsBack(status)).as("HTTP %d goes back to the client unchanged", status).isFalse();
	}

	@Test
	void describesEachKindOfFailureBriefly() {
		assertThat(FallbackPolicy.describe(new UpstreamStatusException(503, null))).isEqualTo("HTTP 503");
		assertThat(FallbackPolicy.describe(new TimeoutException("Did not observe any item or terminal signal within 1500ms")))
			.isEqualTo("no response within the first-byte timeout");
		assertThat(FallbackPolicy.describe(new IOException("wrapped", new ConnectException("Connection refused"))))
			.as("a connect failure wrapped by the transport").isEqualTo("connection refused");
		assertThat(FallbackPolicy.describe(CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("p"))))
			.isEqualTo("circuit breaker open");
		assertThat(FallbackPolicy.describe(new IllegalStateException("sk-provider-primary-SECRET")))
			.as("exception messages may carry anything, so only the type is named")
			.isEqualTo("error (IllegalStateException)");
	}

}
