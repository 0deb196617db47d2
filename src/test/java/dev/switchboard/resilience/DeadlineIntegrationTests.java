package dev.switchboard.resilience;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.StreamingClient.Streamed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route's {@code deadline} bounds the whole request: every attempt, retry and backoff together. Route
 * {@code short-deadline}: {@code deadline: 2s}, primary then secondary, each with a 1.5 s timeout.
 */
class DeadlineIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void answers504WhenTheDeadlineEndsBeforeAnyTargetAnswered() {
		// each attempt stays within its provider's 1.5 s timeout, but the two together (2.4 s) do not fit in 2 s
		stubStatus(PRIMARY, 503, 1200);
		stubAnswer(SECONDARY, "s-model", "too late", 1200);

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = sendChat(chatBody("short-deadline"));
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertDeadlineExceeded(result);
		assertThat(body(result)).as("secondary's answer came too late to be used").doesNotContain("too late");
		assertThat(elapsedMillis).as("the 2 s deadline, not secondary's answer at 2.4 s")
			.isGreaterThanOrEqualTo(1800)
			.isLessThan(3500);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void answers504ToAStreamingRequestWhenTheDeadlineEndsBeforeItsFirstEvent() {
		stubStatus(PRIMARY, 503, 1200);
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withFixedDelay(1200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("s-model", "too", " late"))));

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = sendChat(streamBody("short-deadline"));
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertDeadlineExceeded(result);
		assertThat(elapsedMillis).isGreaterThanOrEqualTo(1800).isLessThan(3500);
	}

	@Test
	void answersNormallyWhenEveryAttemptTogetherFitsInTheDeadline() {
		stubStatus(PRIMARY, 503, 500);
		stubAnswer(SECONDARY, "s-model", "from secondary", 500);

		EntityExchangeResult<byte[]> result = sendChat(chatBody("short-deadline"));

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
	}

	@Test
	void endsAStreamStillRunningAtTheDeadlineWithAnInBandError() {
		// 13 events dribbled over 6 s: the first whole event arrives within the 1.5 s timeout, the last long after 2 s
		StringBuilder stream = new StringBuilder();
		for (int i = 0; i < 11; i++) {
			stream.append(OpenAiFixtures.chunkEvent("p-model", "part-" + (i < 10 ? "0" : "") + i));
		}
		stream.append(OpenAiFixtures.finishEvent("p-model")).append(OpenAiFixtures.DONE_EVENT);
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream.toString())
			.withChunkedDribbleDelay(12, 6000)));

		// block() fails if the gateway aborts the response: completing means the HTTP response ended normally
		Streamed streamed = new StreamingClient(baseUrl(), TEAM_A_KEY).post(CHAT, streamBody("short-deadline"))
			.block(Duration.ofSeconds(15));

		assertThat(streamed.status()).as("the stream had started").isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("primary");
		List<String> events = streamed.events();
		assertThat(events).as("some of primary's events, then an error event").hasSizeGreaterThanOrEqualTo(2);
		assertThat(events.get(0)).isEqualTo(OpenAiFixtures.chunkEvent("p-model", "part-00"));
		assertInBandError(events.get(events.size() - 1));
		assertThat(streamed.body()).as("a stream cut by the deadline must not look complete").doesNotContain("[DONE]");
		assertThat(streamed.arrivalMillis(streamed.chunks().size() - 1))
			.as("ended at the 2 s deadline, not when primary finished (6 s)")
			.isGreaterThanOrEqualTo(1800)
			.isLessThan(3500);
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	private void assertDeadlineExceeded(EntityExchangeResult<byte[]> result) {
		String body = body(result);
		assertThat(result.getStatus().value()).as("status of %s", body).isEqualTo(504);
		assertThat(result.getResponseHeaders().getContentType()).as("errors are JSON")
			.isNotNull()
			.satisfies(type -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue());
		assertThat(result.getResponseHeaders().getFirst("x-request-id")).isNotBlank();
		JsonNode error = JSON.readTree(body).path("error");
		assertThat(error.propertyNames()).as("the OpenAI error shape in %s", body)
			.containsExactlyInAnyOrder("message", "type", "code", "param");
		assertThat(error.path("code").asString()).isEqualTo("deadline_exceeded");
		assertThat(error.path("message").asString()).isNotBlank();
	}

	/** The in-band error of a stream ended by the gateway; which code a deadline gives is left open. */
	private static void assertInBandError(String event) {
		assertThat(event).as("an OpenAI error event").startsWith("data: {\"error\":").endsWith("}\n\n");
		JsonNode error = JSON.readTree(event.substring("data: ".length())).path("error");
		assertThat(error.path("code").asString()).isIn("stream_interrupted", "deadline_exceeded");
		assertThat(error.path("message").asString()).isNotBlank();
	}

	private EntityExchangeResult<byte[]> sendChat(String requestBody) {
		return this.client.mutate()
			.responseTimeout(Duration.ofSeconds(10))
			.build()
			.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(requestBody)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static void stubAnswer(WireMockServer server, String model, String content, int delayMillis) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withFixedDelay(delayMillis)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion(model, content))));
	}

	private static void stubStatus(WireMockServer server, int status, int delayMillis) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(status)
			.withFixedDelay(delayMillis)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("failed with " + status, "server_error", "upstream_failure"))));
	}

	private static String body(EntityExchangeResult<byte[]> result) {
		byte[] bytes = result.getResponseBody();
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
	}

}
