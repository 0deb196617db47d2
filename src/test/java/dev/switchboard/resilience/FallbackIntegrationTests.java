package dev.switchboard.resilience;

import java.nio.charset.StandardCharsets;
import java.util.Date;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static dev.switchboard.testsupport.GatewayErrors.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fallback across a route's targets: which upstream outcomes move on to the next target, which go back to the client
 * as they are, and what the client gets when every target failed.
 */
class FallbackIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final String EMBEDDINGS = "/v1/embeddings";

	@ParameterizedTest(name = "HTTP {0}")
	@ValueSource(ints = { 408, 409, 429, 500, 502, 503, 504 })
	void triesEachTargetOfTheChainInOrderWhenUpstreamsAnswer(int status) {
		// each failure takes a moment, so the arrival times show the order of the attempts
		stubFailure(PRIMARY, status, 150);
		stubFailure(SECONDARY, status, 150);
		stubAnswer(THIRD, "t-model", "from third");

		EntityExchangeResult<byte[]> result = chat("chain");

		assertThat(result.getStatus().value()).as("the third target answers").isEqualTo(200);
		assertThat(body(result)).contains("from third");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("third");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("t-model");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).as("one request per target")
			.isEqualTo("3");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("p-model"))));
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("s-model"))));
		THIRD.verify(1, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("t-model"))));
		assertThat(arrival(SECONDARY).getTime() - arrival(PRIMARY).getTime())
			.as("secondary is tried only after primary failed").isGreaterThanOrEqualTo(140);
		assertThat(arrival(THIRD).getTime() - arrival(SECONDARY).getTime())
			.as("third is tried only after secondary failed").isGreaterThanOrEqualTo(140);
	}

	@Test
	void stopsAtTheFirstTargetThatAnswers() {
		stubFailure(PRIMARY, 503, 0);
		stubAnswer(SECONDARY, "s-model", "from secondary");
		stubAnswer(THIRD, "t-model", "from third");

		EntityExchangeResult<byte[]> result = chat("chain");

		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		THIRD.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@ParameterizedTest(name = "HTTP {0}")
	@ValueSource(ints = { 400, 401, 403, 404, 422 })
	void passesAnUpstreamClientErrorBackUnchangedWithoutFallingBack(int status) {
		String upstreamBody = OpenAiFixtures.error("Upstream says no (" + status + ")", "invalid_request_error",
				"upstream_" + status);
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withHeader("x-upstream-detail", "kept")
			.withBody(upstreamBody)));
		stubAnswer(SECONDARY, "s-model", "from secondary");
		stubAnswer(THIRD, "t-model", "from third");

		EntityExchangeResult<byte[]> result = chat("chain");

		assertThat(result.getStatus().value()).as("the upstream's status").isEqualTo(status);
		assertThat(body(result)).as("the upstream's body, byte for byte").isEqualTo(upstreamBody);
		assertThat(result.getResponseHeaders().getFirst("x-upstream-detail")).isEqualTo("kept");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("p-model");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		assertThat(result.getResponseHeaders().getFirst("x-request-id")).isNotBlank();
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
		THIRD.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void theRoutingHeaderListsEachAttemptWithItsOutcomeAndDuration() {
		stubFailure(PRIMARY, 503, 0);
		stubAnswer(SECONDARY, "s-model", "from secondary");

		String routing = chat("chain").getResponseHeaders().getFirst("x-switchboard-routing");

		assertThat(routing).matches("primary/p-model;outcome=503;dur=\\d+\\.\\d, secondary/s-model;outcome=200;dur=\\d+\\.\\d");
	}

	@Test
	void theRoutingHeaderComesWithAGatewayErrorToo() {
		stubFailure(PRIMARY, 500, 0);
		stubFailure(SECONDARY, 502, 0);
		THIRD.stubFor(post(CHAT).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		EntityExchangeResult<byte[]> result = chat("chain");

		assertThat(result.getStatus().value()).isEqualTo(502);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-routing")).matches(
				"primary/p-model;outcome=500;dur=[\\d.]+, secondary/s-model;outcome=502;dur=[\\d.]+, third/t-model;outcome=io_error;dur=[\\d.]+");
	}

	@Test
	void fallsBackWhenTheConnectionIsRefused() {
		stubAnswer(SECONDARY, "llama-3.3-70b", "from secondary");

		EntityExchangeResult<byte[]> result = chat("dead-first");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts"))
			.as("the refused connection was a real attempt").isEqualTo("2");
	}

	@Test
	void fallsBackWhenTheUpstreamClosesTheConnectionWithoutAnswering() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
		stubAnswer(SECONDARY, "llama-3.3-70b", "from secondary");

		EntityExchangeResult<byte[]> result = chat("fast");

		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void fallsBackWhenTheUpstreamSendsNoHeadersWithinItsTimeout() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withFixedDelay(4000)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "too late"))));
		stubAnswer(SECONDARY, "llama-3.3-70b", "from secondary");

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("fast");
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		assertThat(elapsedMillis).as("primary's 1500ms timeout ended its attempt, not its 4s delay")
			.isGreaterThanOrEqualTo(1400)
			.isLessThan(3500);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void fallsBackBeforeAnyByteOfAStreamReachedTheClient() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(503)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.chunkEvent("gpt-4o-mini", "never seen"))));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("llama-3.3-70b", "Hel", "lo"))
			.withChunkedDribbleDelay(4, 100)));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(streamBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).as("the whole stream from secondary, and nothing of primary's")
			.isEqualTo(OpenAiFixtures.stream("llama-3.3-70b", "Hel", "lo"));
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
	}

	@Test
	void answers502NamingEveryAttemptWhenEveryTargetFailed() {
		stubFailure(PRIMARY, 500, 0);
		stubFailure(SECONDARY, 503, 0);
		THIRD.stubFor(post(CHAT).willReturn(aResponse().withStatus(200).withFixedDelay(4000)));

		EntityExchangeResult<byte[]> result = chat("chain");

		assertGatewayError(result, 502, "upstream_unavailable", "upstream_error");
		assertThat(message(result)).as("each attempt's provider, model and reason")
			.contains("primary/p-model: HTTP 500")
			.contains("secondary/s-model: HTTP 503")
			.contains("third/t-model: no response within the first-byte timeout");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("3");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		THIRD.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void answers502WithTheConnectFailureWhenTheFallbackFailsToo() {
		stubFailure(SECONDARY, 500, 0);

		EntityExchangeResult<byte[]> result = chat("dead-first");

		assertGatewayError(result, 502, "upstream_unavailable", "upstream_error");
		assertThat(message(result)).contains("dead/d-1: connection refused").contains("secondary/llama-3.3-70b: HTTP 500");
		assertThat(body(result)).as("no provider key in the error").doesNotContain("SECRET");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
	}

	@Test
	void answers429WithTheShortestRetryAfterWhenEveryTargetIsRateLimited() {
		stubRateLimited(PRIMARY, "7");
		stubRateLimited(SECONDARY, "3");
		stubRateLimited(THIRD, null);

		EntityExchangeResult<byte[]> result = chat("chain");

		assertGatewayError(result, 429, "rate_limited", "rate_limit_error");
		assertThat(result.getResponseHeaders().getFirst("Retry-After")).as("the soonest any target may be retried")
			.isEqualTo("3");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("3");
		assertThat(message(result)).contains("primary/p-model: HTTP 429")
			.contains("secondary/s-model: HTTP 429")
			.contains("third/t-model: HTTP 429");
	}

	@Test
	void answers429WithoutRetryAfterWhenNoTargetSaidWhen() {
		stubRateLimited(PRIMARY, null);
		stubRateLimited(SECONDARY, null);

		EntityExchangeResult<byte[]> result = chat("fast");

		assertGatewayError(result, 429, "rate_limited", "rate_limit_error");
		assertThat(result.getResponseHeaders().containsHeader("Retry-After")).isFalse();
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
	}

	@Test
	void answers502WhenOnlySomeTargetsWereRateLimited() {
		stubRateLimited(PRIMARY, "7");
		stubFailure(SECONDARY, 500, 0);

		EntityExchangeResult<byte[]> result = chat("fast");

		assertGatewayError(result, 502, "upstream_unavailable", "upstream_error");
		assertThat(message(result)).contains("primary/gpt-4o-mini: HTTP 429").contains("secondary/llama-3.3-70b: HTTP 500");
	}

	@Test
	void skipsATargetThatCannotServeTheEndpointWithoutCountingIt() {
		SECONDARY.stubFor(post(EMBEDDINGS).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"object\":\"list\",\"data\":[],\"model\":\"llama-3.3-70b\"}")));

		EntityExchangeResult<byte[]> result = embeddings("smart");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("llama-3.3-70b");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts"))
			.as("the anthropic target (no embeddings) was skipped without a request").isEqualTo("1");
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(EMBEDDINGS)));
		CLAUDE.verify(0, postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
	}

	@Test
	void answers400UnsupportedByProviderWhenNoTargetCanServeTheRequest() {
		EntityExchangeResult<byte[]> result = embeddings("claude-only");

		assertThat(assertGatewayError(result, 400, "unsupported_by_provider", "invalid_request_error").get("param")
			.stringValue()).isEqualTo("model");
		assertThat(message(result)).contains("claude/claude-sonnet-4");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("0");
	}

	@Test
	void answers502ListingTheSkippedTargetWhenTheOnlyUsableTargetFailed() {
		SECONDARY.stubFor(post(EMBEDDINGS).willReturn(aResponse().withStatus(500)));

		EntityExchangeResult<byte[]> result = embeddings("smart");

		assertGatewayError(result, 502, "upstream_unavailable", "upstream_error");
		assertThat(message(result)).contains("claude/claude-sonnet-4").contains("secondary/llama-3.3-70b: HTTP 500");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
	}

	private EntityExchangeResult<byte[]> embeddings(String model) {
		return this.client.post()
			.uri(EMBEDDINGS)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"" + model + "\",\"input\":\"hello\"}")
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static void stubAnswer(WireMockServer server, String model, String content) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion(model, content))));
	}

	private static void stubFailure(WireMockServer server, int status, int delayMillis) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(status)
			.withFixedDelay(delayMillis)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("failed with " + status, "server_error", "upstream_failure"))));
	}

	private static void stubRateLimited(WireMockServer server, String retryAfter) {
		var response = aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("Rate limit reached", "requests", "rate_limit_exceeded"));
		if (retryAfter != null) {
			response.withHeader("Retry-After", retryAfter);
		}
		server.stubFor(post(CHAT).willReturn(response));
	}

	private static Date arrival(WireMockServer server) {
		LoggedRequest request = server.getAllServeEvents().get(0).getRequest();
		return request.getLoggedDate();
	}

	private static String body(EntityExchangeResult<byte[]> result) {
		byte[] bytes = result.getResponseBody();
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
	}

}
