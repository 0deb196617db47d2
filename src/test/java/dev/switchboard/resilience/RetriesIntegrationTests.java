package dev.switchboard.resilience;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.StreamingClient.Streamed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static dev.switchboard.testsupport.GatewayErrors.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route's {@code retries}: extra attempts on the same target, after the failures that would move on to the next
 * target, with a backoff that never comes sooner than the upstream asked ({@code Retry-After},
 * {@code x-ratelimit-reset-*}); a target that asks for more than the deadline leaves is skipped at once.
 * <p>
 * Route {@code retrying}: {@code retries: 2}, primary ({@code p-model}) then secondary ({@code s-model}), the
 * default deadline (300 s).
 */
class RetriesIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	@Test
	void retriesTheSameTargetUntilItAnswers() {
		stubSequence(PRIMARY, failure(503), failure(503), answer("p-model", "from primary"));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("p-model");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).as("two 503s, then the answer")
			.isEqualTo("3");
		PRIMARY.verify(3, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("p-model"))));
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void movesOnToTheNextTargetOnceItsRetriesAreSpent() {
		stubAlways(PRIMARY, failure(503));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts"))
			.as("the first try and two retries on primary, then secondary")
			.isEqualTo("4");
		PRIMARY.verify(3, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		assertThat(arrivals(SECONDARY).get(0)).as("secondary only after primary's last retry")
			.isGreaterThanOrEqualTo(arrivals(PRIMARY).get(2));
	}

	@ParameterizedTest(name = "HTTP {0}")
	@ValueSource(ints = { 408, 409, 429, 500, 502, 504 })
	void retriesEveryStatusThatWouldFallBack(int status) {
		stubSequence(PRIMARY, failure(status), answer("p-model", "from primary"));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(body(result)).contains("from primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@ParameterizedTest
	@EnumSource(value = Fault.class, names = { "CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE" })
	void retriesAfterAConnectionFailure(Fault fault) {
		stubSequence(PRIMARY, aResponse().withFault(fault), answer("p-model", "from primary"));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(body(result)).contains("from primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void retriesAfterATimeout() {
		stubSequence(PRIMARY, answer("p-model", "too late").withFixedDelay(4000), answer("p-model", "from primary"));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("retrying");
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertThat(body(result)).contains("from primary").doesNotContain("too late");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		assertThat(elapsedMillis).as("primary's 1.5 s timeout ended the first attempt").isGreaterThanOrEqualTo(1400);
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@ParameterizedTest(name = "HTTP {0}")
	@ValueSource(ints = { 400, 401, 403, 404, 422 })
	void passesAClientErrorBackWithoutRetrying(int status) {
		String upstreamBody = OpenAiFixtures.error("Upstream says no (" + status + ")", "invalid_request_error",
				"upstream_" + status);
		stubAlways(PRIMARY, aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody(upstreamBody));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(result.getStatus().value()).isEqualTo(status);
		assertThat(body(result)).as("the upstream's body, byte for byte").isEqualTo(upstreamBody);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void retriesEveryTargetOfTheRouteBeforeGivingUp() {
		stubAlways(PRIMARY, failure(503));
		stubAlways(SECONDARY, failure(500));

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertGatewayError(result, 502, "upstream_unavailable", "upstream_error");
		assertThat(message(result)).contains("primary/p-model").contains("secondary/s-model");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).as("three on each target")
			.isEqualTo("6");
		PRIMARY.verify(3, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(3, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void aRouteWithoutRetriesTriesEachTargetOnce() {
		stubSequence(PRIMARY, failure(503), answer("gpt-4o-mini", "from primary"));
		stubAlways(SECONDARY, answer("llama-3.3-70b", "from secondary"));

		EntityExchangeResult<byte[]> result = chat("fast");

		assertThat(body(result)).as("retries default to 0").contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void retriesAStreamThatFailedBeforeItsFirstEvent() {
		String stream = OpenAiFixtures.stream("p-model", "Hel", "lo");
		stubSequence(PRIMARY, failure(503), aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream));
		stubAlways(SECONDARY, aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("s-model", "other")));

		Streamed streamed = new StreamingClient(baseUrl(), TEAM_A_KEY).post(CHAT, streamBody("retrying"))
			.block(Duration.ofSeconds(15));

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("primary");
		assertThat(streamed.headers().get("x-switchboard-attempts")).isEqualTo("2");
		assertThat(streamed.body()).isEqualTo(stream);
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	// waits the upstream asked for

	@ParameterizedTest(name = "HTTP {0}")
	@ValueSource(ints = { 429, 503 })
	void retriesNoSoonerThanRetryAfterInSeconds(int status) {
		stubSequence(PRIMARY, failure(status).withHeader("Retry-After", "1"), answer("p-model", "from primary"));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("retrying");
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertThat(body(result)).contains("from primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		assertThat(elapsedMillis).as("Retry-After: 1").isGreaterThanOrEqualTo(1000).isLessThan(6000);
		List<Long> arrivals = arrivals(PRIMARY);
		assertThat(arrivals).hasSize(2);
		assertThat(arrivals.get(1) - arrivals.get(0)).as("the retry came a second after the first try at the earliest")
			.isGreaterThanOrEqualTo(1000);
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void retriesNoSoonerThanRetryAfterAsAnHttpDate() {
		long stubbedAt = System.currentTimeMillis();
		// an HTTP date has whole seconds: this one is between 2 and 3 s away
		String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3));
		stubSequence(PRIMARY, failure(429).withHeader("Retry-After", date), answer("p-model", "from primary"));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(body(result)).contains("from primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		List<Long> arrivals = arrivals(PRIMARY);
		assertThat(arrivals).hasSize(2);
		assertThat(arrivals.get(1) - stubbedAt).as("the retry came no sooner than %s", date)
			.isGreaterThanOrEqualTo(1990)
			.isLessThan(8000);
	}

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource({ "x-ratelimit-reset-requests, 1s, 1000", "x-ratelimit-reset-tokens, 1s, 1000",
			"x-ratelimit-reset-tokens, 1.2s, 1200", "x-ratelimit-reset-requests, 900ms, 900" })
	void retriesNoSoonerThanTheRateLimitResetAsks(String header, String value, long minMillis) {
		stubSequence(PRIMARY, failure(429).withHeader(header, value), answer("p-model", "from primary"));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(body(result)).contains("from primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		List<Long> arrivals = arrivals(PRIMARY);
		assertThat(arrivals).hasSize(2);
		assertThat(arrivals.get(1) - arrivals.get(0)).as("%s: %s", header, value)
			.isGreaterThanOrEqualTo(minMillis)
			.isLessThan(minMillis + 5000);
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void retriesNoSoonerThanTheLongestWaitAsked() {
		stubSequence(PRIMARY, failure(429).withHeader("x-ratelimit-reset-requests", "20ms")
			.withHeader("x-ratelimit-reset-tokens", "1s"), answer("p-model", "from primary"));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(body(result)).contains("from primary");
		List<Long> arrivals = arrivals(PRIMARY);
		assertThat(arrivals).hasSize(2);
		assertThat(arrivals.get(1) - arrivals.get(0)).as("the token limit resets in 1 s, later than the request limit")
			.isGreaterThanOrEqualTo(1000);
	}

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("waitsLongerThanTheDeadline")
	void skipsATargetAtOnceWhenItAsksToWaitLongerThanTheDeadlineLeaves(String header, String value) {
		stubAlways(PRIMARY, failure(429).withHeader(header, value));
		stubAlways(SECONDARY, answer("s-model", "from secondary"));

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("retrying");
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		assertThat(elapsedMillis).as("no wait, no backoff: the 300 s deadline cannot fit that wait")
			.isLessThan(1000);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	static Stream<Arguments> waitsLongerThanTheDeadline() {
		return Stream.of(Arguments.of("Retry-After", "600"),
				Arguments.of("Retry-After",
						DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(1))),
				Arguments.of("x-ratelimit-reset-requests", "6m0s"), Arguments.of("x-ratelimit-reset-tokens", "6m0s"));
	}

	@Test
	void answers429AtOnceWhenEveryTargetAsksToWaitLongerThanTheDeadlineLeaves() {
		stubAlways(PRIMARY, failure(429).withHeader("Retry-After", "900"));
		stubAlways(SECONDARY, failure(429).withHeader("Retry-After", "600"));

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("retrying");
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertGatewayError(result, 429, "rate_limited", "rate_limit_error");
		assertThat(result.getResponseHeaders().getFirst("Retry-After")).as("the soonest any target may be retried")
			.isEqualTo("600");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		assertThat(elapsedMillis).isLessThan(1000);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	private static ResponseDefinitionBuilder answer(String model, String content) {
		return aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion(model, content));
	}

	private static ResponseDefinitionBuilder failure(int status) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("failed with " + status, "server_error", "upstream_failure"));
	}

	private static void stubAlways(WireMockServer server, ResponseDefinitionBuilder response) {
		server.stubFor(WireMock.post(urlEqualTo(CHAT)).willReturn(response));
	}

	/** Answers the requests in turn with {@code responses}, the last one from then on. */
	private static void stubSequence(WireMockServer server, ResponseDefinitionBuilder... responses) {
		for (int i = 0; i < responses.length; i++) {
			var mapping = WireMock.post(urlEqualTo(CHAT))
				.inScenario("sequence")
				.whenScenarioStateIs((i == 0) ? Scenario.STARTED : "step-" + i)
				.willReturn(responses[i]);
			if (i < responses.length - 1) {
				mapping.willSetStateTo("step-" + (i + 1));
			}
			server.stubFor(mapping);
		}
	}

	/** When {@code server} received each request, in milliseconds since the epoch, earliest first. */
	private static List<Long> arrivals(WireMockServer server) {
		return server.getAllServeEvents()
			.stream()
			.map(ServeEvent::getRequest)
			.map(request -> request.getLoggedDate().getTime())
			.sorted(Comparator.naturalOrder())
			.toList();
	}

	private static String body(EntityExchangeResult<byte[]> result) {
		byte[] bytes = result.getResponseBody();
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
	}

}
