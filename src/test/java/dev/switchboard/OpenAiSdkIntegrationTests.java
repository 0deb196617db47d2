package dev.switchboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The official OpenAI Java SDK as a real client of the gateway: if the SDK can parse what the gateway sends, so can
 * the applications built on it. The SDK blocks, so every call runs on the JUnit thread, never on a Reactor thread;
 * its retries are off so that each call is one request.
 */
class OpenAiSdkIntegrationTests extends GatewayIntegrationTest {

	private final List<OpenAIClient> clients = new ArrayList<>();

	private OpenAIClient openAi;

	@BeforeEach
	void sdk() {
		this.openAi = sdk(TEAM_A_KEY);
	}

	@AfterEach
	void closeSdks() {
		this.clients.forEach(OpenAIClient::close);
	}

	@Test
	void nonStreamingChatCompletionFromTheMockProvider() {
		ChatCompletion completion = this.openAi.chat().completions().create(chat("demo", "Hello from the SDK"));

		assertThat(completion.model()).as("the mock reports the target's model").isEqualTo("mock-1");
		assertThat(completion.choices()).hasSize(1);
		assertThat(completion.choices().get(0).message().content()).as("the mock's answer").hasValueSatisfying(
				(text) -> assertThat(text).isNotBlank().endsWith("."));
		assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
		assertThat(completion.usage()).hasValueSatisfying((usage) -> {
			assertThat(usage.promptTokens()).as("'user: Hello from the SDK' is 5 words").isEqualTo(5);
			assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
		});
	}

	@Test
	void streamingChatCompletionFromTheMockProviderCarriesTheSameTextAsTheWholeAnswer() {
		ChatCompletionCreateParams params = chat("demo", "Stream this, please");
		String whole = this.openAi.chat().completions().create(params).choices().get(0).message().content().orElseThrow();

		List<ChatCompletionChunk> chunks;
		ChatCompletionCreateParams withUsage = params.toBuilder()
			.streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build())
			.build();
		try (StreamResponse<ChatCompletionChunk> stream = this.openAi.chat().completions().createStreaming(withUsage)) {
			chunks = stream.stream().toList();
		}

		assertThat(chunks).as("several content chunks, a finish chunk and a usage chunk").hasSizeGreaterThan(3);
		assertThat(text(chunks)).as("the streamed deltas add up to the non-streamed answer").isEqualTo(whole);
		assertThat(chunks).as("exactly one chunk carries the finish reason")
			.filteredOn((chunk) -> chunk.choices().stream().anyMatch((c) -> c.finishReason().isPresent()))
			.hasSize(1);
		assertThat(chunks.get(chunks.size() - 1).usage()).as("the last chunk before [DONE] carries usage")
			.hasValueSatisfying((usage) -> assertThat(usage.totalTokens()).isPositive());
	}

	@Test
	void nonStreamingChatCompletionThroughAnUpstreamProvider() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "Hi from upstream"))));

		ChatCompletion completion = this.openAi.chat().completions().create(chat("fast", "Hello"));

		assertThat(completion.choices().get(0).message().content()).hasValue("Hi from upstream");
		assertThat(completion.usage()).hasValueSatisfying((usage) -> assertThat(usage.totalTokens()).isEqualTo(7));
		PRIMARY.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withHeader("Authorization", equalTo("Bearer " + PRIMARY_PROVIDER_KEY))
			.withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
			.withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Hello"))));
	}

	@Test
	void streamingChatCompletionThroughAnUpstreamProviderArrivingInPieces() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("gpt-4o-mini", "Hel", "lo, ", "wor", "ld!"))
			.withChunkedDribbleDelay(7, 100)));

		List<ChatCompletionChunk> chunks;
		try (StreamResponse<ChatCompletionChunk> stream = this.openAi.chat()
			.completions()
			.createStreaming(chat("fast", "Hello"))) {
			chunks = stream.stream().toList();
		}

		assertThat(text(chunks)).as("events split across network chunks are reassembled").isEqualTo("Hello, world!");
		assertThat(chunks).hasSize(5);
		assertThat(chunks.get(4).choices().get(0).finishReason())
			.hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
		PRIMARY.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
	}

	@Test
	void embeddingsFromTheMockProvider() {
		EmbeddingCreateParams params = EmbeddingCreateParams.builder()
			.model("demo")
			.input("the quick brown fox")
			.dimensions(8)
			.encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
			.build();

		CreateEmbeddingResponse first = this.openAi.embeddings().create(params);
		CreateEmbeddingResponse second = this.openAi.embeddings().create(params);

		assertThat(first.data()).hasSize(1);
		List<Float> vector = first.data().get(0).embedding();
		assertThat(vector).as("the requested dimensions").hasSize(8);
		double norm = Math.sqrt(vector.stream().mapToDouble((v) -> v * v).sum());
		assertThat(norm).as("a unit vector").isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
		assertThat(second.data().get(0).embedding()).as("the same input embeds the same way").isEqualTo(vector);
		assertThat(first.usage().promptTokens()).isEqualTo(4);
	}

	@Test
	void embeddingsFromTheMockProviderWithTheSdkDefaultEncoding() {
		EmbeddingCreateParams params = EmbeddingCreateParams.builder().model("demo").input("the quick brown fox").build();

		CreateEmbeddingResponse response = this.openAi.embeddings().create(params);

		assertThat(response.data()).hasSize(1);
		assertThat(response.data().get(0).embedding()).as("the mock's default dimensions, whatever encoding the SDK asked for")
			.hasSize(16);
	}

	@Test
	void modelsListShowsTheRouteAliases() {
		List<String> ids = this.openAi.models().list().data().stream().map(Model::id).toList();

		assertThat(ids).contains("demo", "fast", "chain", "primary/gpt-4o-mini", "mock/mock-1");
		assertThat(this.openAi.models().retrieve("demo").ownedBy()).isEqualTo("switchboard");
	}

	@Test
	void aBadGatewayKeyRaisesUnauthorized() {
		OpenAIClient stranger = sdk("sk-not-a-gateway-key");

		UnauthorizedException error = catchThrowableOfType(UnauthorizedException.class,
				() -> stranger.chat().completions().create(chat("demo", "Hello")));

		assertThat(error.statusCode()).isEqualTo(401);
		assertThat(error.code()).hasValue("invalid_api_key");
		assertThat(error.type()).hasValue("authentication_error");
	}

	@Test
	void aModelTheKeyMayNotUseRaisesPermissionDenied() {
		OpenAIClient limited = sdk(LIMITED_KEY);

		PermissionDeniedException error = catchThrowableOfType(PermissionDeniedException.class,
				() -> limited.chat().completions().create(chat("chain", "Hello")));

		assertThat(error.statusCode()).isEqualTo(403);
		assertThat(error.code()).hasValue("model_not_allowed");
	}

	@Test
	void anUnknownModelRaisesNotFound() {
		NotFoundException error = catchThrowableOfType(NotFoundException.class,
				() -> this.openAi.chat().completions().create(chat("no-such-model", "Hello")));

		assertThat(error.statusCode()).isEqualTo(404);
		assertThat(error.code()).hasValue("model_not_found");
		assertThat(error.getMessage()).contains("no-such-model");
	}

	@Test
	void anUpstreamBadRequestReachesTheSdkWithTheUpstreamMessage() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("Invalid value for 'temperature': must be at most 2.",
					"invalid_request_error", "invalid_value"))));

		BadRequestException error = catchThrowableOfType(BadRequestException.class,
				() -> this.openAi.chat().completions().create(chat("fast", "Hello")));

		assertThat(error.statusCode()).isEqualTo(400);
		assertThat(error.getMessage()).as("the client's mistake is reported in the provider's words")
			.contains("Invalid value for 'temperature': must be at most 2.");
		assertThat(error.code()).hasValue("invalid_value");
		SECONDARY.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
	}

	@Test
	void everyTargetFailingRaisesAServerError() {
		for (var server : List.of(PRIMARY, SECONDARY, THIRD)) {
			server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(503)));
		}

		OpenAIServiceException error = catchThrowableOfType(InternalServerException.class,
				() -> this.openAi.chat().completions().create(chat("chain", "Hello")));

		assertThat(error.statusCode()).isEqualTo(502);
		assertThat(error.code()).hasValue("upstream_unavailable");
		assertThat(error.headers().values("x-switchboard-attempts")).containsExactly("3");
	}

	private OpenAIClient sdk(String apiKey) {
		OpenAIClient client = OpenAIOkHttpClient.builder()
			.baseUrl(baseUrl() + "/v1")
			.apiKey(apiKey)
			.maxRetries(0)
			.timeout(Duration.ofSeconds(20))
			.build();
		this.clients.add(client);
		return client;
	}

	private static ChatCompletionCreateParams chat(String model, String prompt) {
		return ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).build();
	}

	private static String text(List<ChatCompletionChunk> chunks) {
		StringBuilder text = new StringBuilder();
		chunks.forEach((chunk) -> chunk.choices().forEach((choice) -> choice.delta().content().ifPresent(text::append)));
		return text.toString();
	}

}
