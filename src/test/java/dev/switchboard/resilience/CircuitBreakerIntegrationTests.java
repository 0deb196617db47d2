package dev.switchboard.resilience;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static dev.switchboard.testsupport.GatewayErrors.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each provider's circuit breaker (10 calls at least, 50% failures): what counts as a failure, and that an open
 * breaker skips its target without an upstream request.
 */
class CircuitBreakerIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	@Test
	void usesTheConfiguredThresholds() {
		CircuitBreaker primary = this.circuitBreakers.circuitBreaker("primary");

		assertThat(primary.getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(10);
		assertThat(primary.getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(50f);
		assertThat(primary.getState()).as("reset before each test").isEqualTo(State.CLOSED);
	}

	@Test
	void opensAfterEnoughFailuresAndThenSkipsThePrimaryWithoutCallingIt() {
		stubStatus(PRIMARY, 500);
		stubAnswer(SECONDARY, "llama-3.3-70b");
		CircuitBreaker primary = this.circuitBreakers.circuitBreaker("primary");

		for (int i = 1; i <= 9; i++) {
			assertThat(chat("fast").getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		}
		assertThat(primary.getState()).as("9 calls are fewer than the minimum of 10").isEqualTo(State.CLOSED);
		assertThat(chat("fast").getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		assertThat(primary.getState()).as("10 calls, all failed").isEqualTo(State.OPEN);
		PRIMARY.verify(10, postRequestedFor(urlEqualTo(CHAT)));

		EntityExchangeResult<byte[]> skipped = chat("fast");

		assertThat(skipped.getStatus().value()).isEqualTo(200);
		assertThat(skipped.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(skipped.getResponseHeaders().getFirst("x-switchboard-attempts"))
			.as("the skipped target made no request, so it is not an attempt").isEqualTo("1");
		PRIMARY.verify(10, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(11, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void staysClosedWhileFewerThanHalfTheCallsFail() {
		CircuitBreaker primary = this.circuitBreakers.circuitBreaker("primary");
		stubAnswer(SECONDARY, "llama-3.3-70b");
		stubAnswer(PRIMARY, "gpt-4o-mini");
		for (int i = 0; i < 6; i++) {
			chat("fast");
		}
		stubStatus(PRIMARY, 503);
		for (int i = 0; i < 4; i++) {
			chat("fast");
		}

		assertThat(primary.getMetrics().getNumberOfFailedCalls()).isEqualTo(4);
		assertThat(primary.getState()).as("4 failures in 10 calls is 40%").isEqualTo(State.CLOSED);
		chat("fast");
		PRIMARY.verify(11, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void doesNotCountTheClientsOwnErrorsAsProviderFailures() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("bad request", "invalid_request_error", "bad"))));
		CircuitBreaker primary = this.circuitBreakers.circuitBreaker("primary");

		for (int i = 0; i < 12; i++) {
			assertThat(chat("fast").getStatus().value()).isEqualTo(400);
		}

		assertThat(primary.getMetrics().getNumberOfFailedCalls()).as("a 400 is the request's fault").isZero();
		assertThat(primary.getState()).isEqualTo(State.CLOSED);
	}

	@Test
	void countsRateLimitsAndRefusedConnectionsAsFailures() {
		stubStatus(PRIMARY, 429);
		stubAnswer(SECONDARY, "llama-3.3-70b");
		chat("fast");
		chat("dead-first");
		chat("chain");

		assertThat(this.circuitBreakers.circuitBreaker("primary").getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
		assertThat(this.circuitBreakers.circuitBreaker("dead").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		assertThat(this.circuitBreakers.circuitBreaker("secondary").getMetrics().getNumberOfFailedCalls())
			.as("secondary answered every time").isZero();
		assertThat(this.circuitBreakers.circuitBreaker("third").getMetrics().getNumberOfFailedCalls())
			.as("secondary answered chain before third was needed").isZero();
	}

	@Test
	void countsATimeoutAsAFailure() {
		stubAnswer(SECONDARY, "llama-3.3-70b");
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200).withFixedDelay(4000)));

		chat("fast");

		assertThat(this.circuitBreakers.circuitBreaker("primary").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void skipsAnOpenProviderOnEveryRouteThatUsesIt() {
		this.circuitBreakers.circuitBreaker("primary").transitionToOpenState();
		stubAnswer(PRIMARY, "p-model");
		stubAnswer(SECONDARY, "s-model");

		EntityExchangeResult<byte[]> chain = chat("chain");

		assertThat(chain.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(chain.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		PRIMARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));

		EntityExchangeResult<byte[]> direct = chat("primary/gpt-4o-mini");

		assertGatewayError(direct, 502, "upstream_unavailable", "upstream_error");
		assertThat(message(direct)).contains("primary/gpt-4o-mini: skipped, circuit breaker open");
		assertThat(direct.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("0");
		PRIMARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void answers502WithoutAnyUpstreamRequestWhenEveryBreakerIsOpen() {
		this.circuitBreakers.circuitBreaker("primary").transitionToOpenState();
		this.circuitBreakers.circuitBreaker("secondary").transitionToOpenState();
		stubAnswer(PRIMARY, "gpt-4o-mini");
		stubAnswer(SECONDARY, "llama-3.3-70b");

		EntityExchangeResult<byte[]> result = chat("fast");

		assertGatewayError(result, 502, "upstream_unavailable", "upstream_error");
		assertThat(message(result)).contains("primary/gpt-4o-mini: skipped, circuit breaker open")
			.contains("secondary/llama-3.3-70b: skipped, circuit breaker open");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("0");
		PRIMARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	private static void stubAnswer(WireMockServer server, String model) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion(model, "answer from " + model))));
	}

	private static void stubStatus(WireMockServer server, int status) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("failed", "server_error", "failed"))));
	}


	@Test
	void aProvidersOwnSettingsOverrideTheDefaultsAndTheBreakerHalfOpensAfterItsWait() throws InterruptedException {
		CircuitBreaker fragile = this.circuitBreakers.circuitBreaker("fragile");
		assertThat(fragile.getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(2);
		assertThat(fragile.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(4);
		assertThat(fragile.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(1);
		stubStatus(THIRD, 500);
		stubAnswer(SECONDARY, "llama-3.3-70b");

		chat("fragile-then-secondary");
		chat("fragile-then-secondary");
		assertThat(fragile.getState()).as("2 calls, both failed").isEqualTo(State.OPEN);
		assertThat(chat("fragile-then-secondary").getResponseHeaders().getFirst("x-switchboard-attempts"))
			.as("open: skipped without a request").isEqualTo("1");
		THIRD.verify(2, postRequestedFor(urlEqualTo(CHAT)));

		Thread.sleep(600);
		stubAnswer(THIRD, "f-1");
		EntityExchangeResult<byte[]> probe = chat("fragile-then-secondary");

		assertThat(probe.getResponseHeaders().getFirst("x-switchboard-provider"))
			.as("after wait-in-open (500 ms) one probe call goes through").isEqualTo("fragile");
		assertThat(fragile.getState()).as("the probe succeeded").isEqualTo(State.CLOSED);
	}

	@Test
	void aFailedProbeOpensTheBreakerAgain() throws InterruptedException {
		CircuitBreaker fragile = this.circuitBreakers.circuitBreaker("fragile");
		stubStatus(THIRD, 503);
		stubAnswer(SECONDARY, "llama-3.3-70b");
		chat("fragile-then-secondary");
		chat("fragile-then-secondary");
		assertThat(fragile.getState()).isEqualTo(State.OPEN);

		Thread.sleep(600);
		EntityExchangeResult<byte[]> probe = chat("fragile-then-secondary");

		assertThat(probe.getResponseHeaders().getFirst("x-switchboard-attempts")).as("the probe, then secondary")
			.isEqualTo("2");
		assertThat(fragile.getState()).isEqualTo(State.OPEN);
		THIRD.verify(3, postRequestedFor(urlEqualTo(CHAT)));
	}

}
