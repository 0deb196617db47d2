package dev.switchboard.provider.openai;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static dev.switchboard.testsupport.GatewayErrors.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Catalog types through the gateway's HTTP surface: provider {@code groq} ({@code type: groq} with only a key) and
 * {@code local-ollama} ({@code type: ollama}, no key), their base URLs pointed at WireMock in
 * {@code GatewayIntegrationTest}, the rest of their settings from the catalog.
 */
class CatalogProviderIntegrationTests extends GatewayIntegrationTest {

	@Test
	void aCatalogProviderWithOnlyAKeyProxiesChatCompletionsWithABearerToken() {
		THIRD.stubFor(post("/openai/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("llama-3.3-70b-versatile", "Hi from Groq"))));

		EntityExchangeResult<byte[]> result = chat("groq/llama-3.3-70b-versatile");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBodyContent())).contains("Hi from Groq");
		THIRD.verify(1, postRequestedFor(urlEqualTo("/openai/v1/chat/completions"))
			.withHeader("Authorization", equalTo("Bearer sk-provider-groq-SECRET"))
			.withRequestBody(matchingJsonPath("$.model", equalTo("llama-3.3-70b-versatile"))));
	}

	@Test
	void aResponsesClientReachesACatalogProviderWithoutResponsesThroughChatCompletions() {
		THIRD.stubFor(post("/deepseek/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("deepseek-chat", "Hi from DeepSeek"))));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/v1/responses")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"deepseek-chat-only/deepseek-chat\",\"input\":\"hello\",\"store\":false}")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBodyContent())).contains("\"object\":\"response\"")
			.contains("\"type\":\"output_text\",\"text\":\"Hi from DeepSeek\"");
		THIRD.verify(1, postRequestedFor(urlEqualTo("/deepseek/chat/completions"))
			.withHeader("Authorization", equalTo("Bearer sk-provider-deepseek-SECRET"))
			.withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("hello"))));
	}

	@Test
	void anEndpointTheCatalogEntryLacksIsRefusedWithoutAnUpstreamRequest() {
		THIRD.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(404)));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/v1/embeddings")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"groq/nomic-embed\",\"input\":\"hello\"}")
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(result, 400, "unsupported_by_provider", "invalid_request_error");
		assertThat(message(result)).as("the reason names the provider, the endpoint and where that was checked")
			.contains("groq", "POST /v1/embeddings", "https://console.groq.com/docs/openai");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("0");
		THIRD.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void anAnthropicClientReachesACatalogProviderThroughTranslation() {
		THIRD.stubFor(post("/openai/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("llama-3.3-70b-versatile", "Hi from Groq"))));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/v1/messages")
			.header("x-api-key", TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"groq/llama-3.3-70b-versatile\",\"max_tokens\":64,"
					+ "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).as("the catalog's endpoint check leaves /v1/messages to translation")
			.isEqualTo(200);
		assertThat(new String(result.getResponseBodyContent())).contains("\"type\":\"message\"", "Hi from Groq");
		THIRD.verify(1, postRequestedFor(urlEqualTo("/openai/v1/chat/completions"))
			.withHeader("Authorization", equalTo("Bearer sk-provider-groq-SECRET")));
	}

	@Test
	void aLocalCatalogProviderSendsNoAuthorizationHeader() {
		THIRD.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("llama3.2", "Hi from Ollama"))));

		EntityExchangeResult<byte[]> result = chat("local-ollama/llama3.2");

		assertThat(result.getStatus().value()).isEqualTo(200);
		THIRD.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Authorization", absent())
			.withRequestBody(matchingJsonPath("$.model", equalTo("llama3.2"))));
	}

}
