package dev.switchboard.resilience;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.StreamingClient.Streamed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A prompt too long for one target's model may fit the next one's: a context-length error moves on to the next target
 * at once, never to a retry of the same target. Any other 400 is still the answer.
 * <p>
 * Route {@code retrying}: {@code retries: 2}, primary ({@code p-model}) then secondary ({@code s-model}).
 */
class ContextLengthFallbackIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final String OPENAI_CONTEXT_LENGTH = "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens. "
			+ "However, your messages resulted in 9211 tokens. Please reduce the length of the messages.\","
			+ "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";

	private static final String ANTHROPIC_PROMPT_TOO_LONG = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
			+ "\"message\":\"prompt is too long: 208310 tokens > 200000 maximum\"}}";

	@Test
	void movesOnToTheNextTargetWithoutRetryingOnAnOpenAiContextLengthError() {
		stub400(PRIMARY, OPENAI_CONTEXT_LENGTH);
		stubAnswer(SECONDARY, "s-model", "from secondary");

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("s-model");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("s-model"))));
	}

	@Test
	void movesOnToTheNextTargetWithoutRetryingWhenThePromptIsTooLongInAnthropicsWords() {
		stub400(PRIMARY, ANTHROPIC_PROMPT_TOO_LONG);
		stubAnswer(SECONDARY, "s-model", "from secondary");

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void movesOnOnAContextLengthErrorOnARouteWithoutRetriesToo() {
		stub400(PRIMARY, OPENAI_CONTEXT_LENGTH);
		stubAnswer(SECONDARY, "s-model", "from secondary");
		stubAnswer(THIRD, "t-model", "from third");

		EntityExchangeResult<byte[]> result = chat("chain");

		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		THIRD.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void movesOnOnAContextLengthErrorToAStreamingRequest() {
		stub400(PRIMARY, OPENAI_CONTEXT_LENGTH);
		String stream = OpenAiFixtures.stream("s-model", "Hel", "lo");
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream)));

		Streamed streamed = new StreamingClient(baseUrl(), TEAM_A_KEY).post(CHAT, streamBody("retrying"))
			.block(Duration.ofSeconds(15));

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(streamed.headers().get("x-switchboard-attempts")).isEqualTo("2");
		assertThat(streamed.body()).isEqualTo(stream);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void passesAnyOther400BackUnchangedWithoutRetryingOrFallingBack() {
		String invalid = "{\"error\":{\"message\":\"Invalid type for 'messages[0].content': expected a string.\","
				+ "\"type\":\"invalid_request_error\",\"param\":\"messages[0].content\",\"code\":\"invalid_type\"}}";
		stub400(PRIMARY, invalid);
		stubAnswer(SECONDARY, "s-model", "from secondary");

		EntityExchangeResult<byte[]> result = chat("retrying");

		assertThat(result.getStatus().value()).isEqualTo(400);
		assertThat(body(result)).as("the upstream's body, byte for byte").isEqualTo(invalid);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	private static void stub400(WireMockServer server, String body) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody(body)));
	}

	private static void stubAnswer(WireMockServer server, String model, String content) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion(model, content))));
	}

	private static String body(EntityExchangeResult<byte[]> result) {
		byte[] bytes = result.getResponseBody();
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
	}

}
