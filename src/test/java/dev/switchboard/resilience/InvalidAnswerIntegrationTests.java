package dev.switchboard.resilience;

import java.nio.charset.StandardCharsets;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.MediaType;
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
 * A non-streamed {@code 200} whose body is not valid JSON is no answer: the attempt failed, and the next target is
 * tried. Route {@code fast}: primary ({@code gpt-4o-mini}) then secondary ({@code llama-3.3-70b}).
 */
class InvalidAnswerIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final String EMBEDDINGS = "/v1/embeddings";

	@ParameterizedTest(name = "body [{0}]")
	@ValueSource(strings = { "{\"id\":", "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"Hel",
			"<html><body><h1>502 Bad Gateway</h1></body></html>", "" })
	void fallsBackWhenA200BodyIsNotValidJson(String invalid) {
		stubOk(PRIMARY, CHAT, invalid);
		stubOk(SECONDARY, CHAT, OpenAiFixtures.completion("llama-3.3-70b", "from secondary"));

		EntityExchangeResult<byte[]> result = chat();

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).as("secondary's answer, nothing of primary's")
			.isEqualTo(OpenAiFixtures.completion("llama-3.3-70b", "from secondary"));
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("llama-3.3-70b");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void fallsBackWhenTheConnectionBreaksInTheMiddleOfA200Body() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
		stubOk(SECONDARY, CHAT, OpenAiFixtures.completion("llama-3.3-70b", "from secondary"));

		EntityExchangeResult<byte[]> result = chat();

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
	}

	@Test
	void answers502WhenEveryTargetAnswersInvalidJson() {
		stubOk(PRIMARY, CHAT, "{\"id\":");
		stubOk(SECONDARY, CHAT, "{\"id\":");

		EntityExchangeResult<byte[]> result = chat();

		assertGatewayError(result, 502, "upstream_unavailable", "upstream_error");
		assertThat(message(result)).as("each attempt is listed").contains("primary/gpt-4o-mini").contains("secondary/llama-3.3-70b");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
	}

	@Test
	void fallsBackWhenAnEmbeddingsAnswerIsNotValidJson() {
		String embeddings = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.6,0.8]}],"
				+ "\"model\":\"llama-3.3-70b\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}";
		stubOk(PRIMARY, EMBEDDINGS, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.6,");
		stubOk(SECONDARY, EMBEDDINGS, embeddings);

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(EMBEDDINGS)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"fast\",\"input\":\"Hello\"}")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).isEqualTo(embeddings);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
	}

	@Test
	void passesAnUpstreamErrorWithABodyThatIsNotJsonBackUnchanged() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "text/plain")
			.withBody("Bad request: no")));
		stubOk(SECONDARY, CHAT, OpenAiFixtures.completion("llama-3.3-70b", "from secondary"));

		EntityExchangeResult<byte[]> result = chat();

		assertThat(result.getStatus().value()).as("only a 200 must be JSON").isEqualTo(400);
		assertThat(body(result)).isEqualTo("Bad request: no");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	private EntityExchangeResult<byte[]> chat() {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static void stubOk(WireMockServer server, String path, String body) {
		server.stubFor(post(path).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(body)));
	}

	private static String body(EntityExchangeResult<byte[]> result) {
		byte[] bytes = result.getResponseBody();
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
	}

}
