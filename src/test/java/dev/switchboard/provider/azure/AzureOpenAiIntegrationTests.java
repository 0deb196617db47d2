package dev.switchboard.provider.azure;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code type: azure-openai} through the gateway's HTTP surface, WireMock standing in for the Azure resource (provider
 * {@code azure}, and {@code azure-entra} with an Entra token instead of a key, in {@code application-it.yaml}): the
 * deployment URL with its {@code api-version}, the {@code api-key} header in place of a bearer token, and answers,
 * streamed or not, passed back byte for byte.
 */
class AzureOpenAiIntegrationTests extends GatewayIntegrationTest {

	private static final String AZURE_KEY = "sk-provider-azure-SECRET";

	private static final String CHAT_URL = "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21";

	@Test
	void chatCompletionGoesToTheDeploymentUrlWithTheApiKeyHeaderAndComesBackUnchanged() {
		String answer = OpenAiFixtures.completion("gpt-4o-2024-11-20", "Hi from Azure");
		THIRD.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(answer)));

		EntityExchangeResult<byte[]> result = send("/v1/chat/completions", chatBody("azure/gpt4o-prod"));

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBodyContent())).as("Azure's answer is OpenAI's format: passed through")
			.isEqualTo(answer);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("azure");
		THIRD.verify(1, postRequestedFor(urlEqualTo(CHAT_URL)).withHeader("api-key", equalTo(AZURE_KEY))
			.withHeader("Authorization", absent())
			.withRequestBody(matchingJsonPath("$.model", equalTo("gpt4o-prod")))
			.withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Hello"))));
		LoggedRequest sent = THIRD.findAll(postRequestedFor(anyUrl())).get(0);
		assertThat(sent.getHeaders().keys()).as("neither the gateway key nor a bearer token reaches Azure")
			.noneMatch("Authorization"::equalsIgnoreCase);
		assertThat(sent.getBodyAsString()).doesNotContain(TEAM_A_KEY);
	}

	@Test
	void streamedChatCompletionArrivesEventByEventFromTheDeploymentUrl() {
		String stream = OpenAiFixtures.stream("gpt-4o", "Hel", "lo ", "Azure");
		THIRD.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream)
			.withChunkedDribbleDelay(6, 120)));

		var events = this.client.post()
			.uri("/v1/chat/completions")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(streamBody("azure/gpt4o-prod"))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseBody();

		StepVerifier.create(events)
			.expectNextMatches((data) -> data.contains("\"content\":\"Hel\""))
			.expectNextMatches((data) -> data.contains("\"content\":\"lo \""))
			.expectNextMatches((data) -> data.contains("\"content\":\"Azure\""))
			.expectNextMatches((data) -> data.contains("\"finish_reason\":\"stop\""))
			.expectNext("[DONE]")
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		THIRD.verify(1, postRequestedFor(urlEqualTo(CHAT_URL)).withHeader("api-key", equalTo(AZURE_KEY))
			.withHeader("Authorization", absent())
			.withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
	}

	@Test
	void embeddingsGoToTheDeploymentsEmbeddingsUrl() {
		String url = "/openai/deployments/embed-small/embeddings?api-version=2024-10-21";
		String answer = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,0.2]}],"
				+ "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}";
		THIRD.stubFor(post(urlEqualTo(url)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(answer)));

		EntityExchangeResult<byte[]> result = send("/v1/embeddings",
				"{\"model\":\"azure/embed-small\",\"input\":\"hello\"}");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBodyContent())).isEqualTo(answer);
		THIRD.verify(1, postRequestedFor(urlEqualTo(url)).withHeader("api-key", equalTo(AZURE_KEY))
			.withRequestBody(matchingJsonPath("$.model", equalTo("embed-small"))));
	}

	@Test
	void responsesGoToTheV1ApiWithTheDeploymentInTheBodyAndNoDatedApiVersion() {
		String answer = "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt4o-prod\","
				+ "\"output\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"total_tokens\":2}}";
		THIRD.stubFor(post(urlPathEqualTo("/openai/v1/responses")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(answer)));

		EntityExchangeResult<byte[]> result = send("/v1/responses", "{\"model\":\"azure/gpt4o-prod\",\"input\":\"Hi\"}");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBodyContent())).isEqualTo(answer);
		THIRD.verify(1, postRequestedFor(urlEqualTo("/openai/v1/responses")).withHeader("api-key", equalTo(AZURE_KEY))
			.withRequestBody(matchingJsonPath("$.model", equalTo("gpt4o-prod"))));
	}

	@Test
	void apiVersionV1SendsChatCompletionsToTheV1Api() {
		THIRD.stubFor(post(urlPathEqualTo("/openai/v1/chat/completions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o", "v1"))));

		EntityExchangeResult<byte[]> result = send("/v1/chat/completions", chatBody("azure-v1/gpt4o-prod"));

		assertThat(result.getStatus().value()).isEqualTo(200);
		THIRD.verify(1, postRequestedFor(urlEqualTo("/openai/v1/chat/completions")).withHeader("api-key",
				equalTo(AZURE_KEY))
			.withRequestBody(matchingJsonPath("$.model", equalTo("gpt4o-prod"))));
	}

	@Test
	void anEntraTokenConfiguredAsAuthorizationHeaderIsSentInPlaceOfTheKey() {
		String url = "/openai/deployments/gpt4o-prod/chat/completions?api-version=2025-04-01-preview";
		THIRD.stubFor(post(urlEqualTo(url)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o", "Hi"))));

		EntityExchangeResult<byte[]> result = send("/v1/chat/completions", chatBody("azure-entra/gpt4o-prod"));

		assertThat(result.getStatus().value()).isEqualTo(200);
		THIRD.verify(1, postRequestedFor(urlEqualTo(url))
			.withHeader("Authorization", equalTo("Bearer entra-token-SECRET"))
			.withHeader("api-key", absent()));
	}

	@Test
	void aDeploymentNameCannotLeaveTheDeploymentsPath() {
		THIRD.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("The API deployment for this resource does not exist.", "invalid_request_error",
					"DeploymentNotFound"))));

		EntityExchangeResult<byte[]> result = send("/v1/chat/completions", chatBody("azure/../../admin?x=1"));

		assertThat(result.getStatus().value()).as("Azure's own 404 passes back unchanged").isEqualTo(404);
		assertThat(new String(result.getResponseBodyContent())).contains("DeploymentNotFound");
		List<LoggedRequest> sent = THIRD.findAll(postRequestedFor(anyUrl()));
		assertThat(sent).hasSize(1);
		assertThat(sent.get(0).getUrl()).as("the name is one percent-encoded path segment")
			.isEqualTo("/openai/deployments/..%2F..%2Fadmin%3Fx%3D1/chat/completions?api-version=2024-10-21");
	}

	@Test
	void theOpenAiJavaSdkTalksToAnAzureTargetThroughTheGateway() {
		THIRD.stubFor(post(urlEqualTo(CHAT_URL)).atPriority(1)
			.withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
			.willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "text/event-stream")
				.withBody(OpenAiFixtures.stream("gpt-4o", "Streamed ", "by Azure"))
				.withChunkedDribbleDelay(4, 80)));
		THIRD.stubFor(post(urlEqualTo(CHAT_URL)).atPriority(2)
			.willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody(OpenAiFixtures.completion("gpt-4o", "Answered by Azure"))));
		ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
			.model("azure/gpt4o-prod")
			.addUserMessage("Hello")
			.build();

		OpenAIClient sdk = OpenAIOkHttpClient.builder()
			.baseUrl(baseUrl() + "/v1")
			.apiKey(TEAM_A_KEY)
			.maxRetries(0)
			.build();
		try {
			ChatCompletion completion = sdk.chat().completions().create(params);
			List<ChatCompletionChunk> chunks;
			try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params)) {
				chunks = stream.stream().toList();
			}

			assertThat(completion.choices().get(0).message().content()).hasValue("Answered by Azure");
			assertThat(chunks.stream()
				.flatMap((chunk) -> chunk.choices().stream())
				.map((choice) -> choice.delta().content().orElse(""))
				.reduce("", String::concat)).isEqualTo("Streamed by Azure");
		}
		finally {
			sdk.close();
		}
		THIRD.verify(2, postRequestedFor(urlEqualTo(CHAT_URL)).withHeader("api-key", equalTo(AZURE_KEY))
			.withHeader("Authorization", absent()));
	}

	@Test
	void anAnthropicClientReachesAnAzureDeploymentThroughTranslation() {
		THIRD.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o", "Translated by the gateway"))));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/v1/messages")
			.header("x-api-key", TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"azure/gpt4o-prod\",\"max_tokens\":64,"
					+ "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBodyContent())).as("an Anthropic message for the Anthropic client")
			.contains("\"type\":\"message\"", "Translated by the gateway");
		THIRD.verify(1, postRequestedFor(urlEqualTo(CHAT_URL)).withHeader("api-key", equalTo(AZURE_KEY))
			.withHeader("Authorization", absent())
			.withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Hello"))));
	}

	private EntityExchangeResult<byte[]> send(String path, String body) {
		return this.client.post()
			.uri(path)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

}
