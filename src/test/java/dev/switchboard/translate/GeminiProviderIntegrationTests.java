package dev.switchboard.translate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code gemini} provider behind the gateway, served by WireMock in Gemini's own format: the OpenAI and Anthropic
 * Java SDKs as real clients (streamed and not, so an SDK's own parser and stream accumulator check what the gateway
 * makes of Gemini's answers), fallback from a Gemini target to an OpenAI one, and Gemini's errors in the client's
 * shape. Gemini streams are framed with CRLF, as Google sends them, and dribbled in small pieces.
 */
class GeminiProviderIntegrationTests extends GatewayIntegrationTest {

	private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";

	private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

	private static final String CHAT = "/v1/chat/completions";

	private static final String TAIL = "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp-G1\"";

	private OpenAIClient openAi;

	private AnthropicClient anthropic;

	@BeforeEach
	void sdks() {
		this.openAi = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(TEAM_A_KEY).maxRetries(0).build();
		this.anthropic = AnthropicOkHttpClient.builder().baseUrl(baseUrl()).apiKey(TEAM_A_KEY).maxRetries(0).build();
	}

	@AfterEach
	void closeSdks() {
		this.openAi.close();
		this.anthropic.close();
	}

	// ------------------------------------------------------------------ OpenAI SDK

	@Test
	void openAiSdkGetsAGeminiAnswerAsAChatCompletion() {
		GEMINI.stubFor(post(urlEqualTo(GENERATE)).willReturn(json(200, "{\"candidates\":[{\"content\":{\"role\":\"model\","
				+ "\"parts\":[{\"text\":\"Bonjour\"}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":"
				+ "{\"promptTokenCount\":11,\"candidatesTokenCount\":2,\"thoughtsTokenCount\":5,\"cachedContentTokenCount\":4,"
				+ "\"totalTokenCount\":18}," + TAIL + "}")));

		ChatCompletion completion = this.openAi.chat().completions().create(ChatCompletionCreateParams.builder()
			.model("gemini-only").addSystemMessage("Speak French.").addUserMessage("Hello").temperature(0.2)
			.maxCompletionTokens(50).build());

		assertThat(completion.id()).isEqualTo("resp-G1");
		assertThat(completion.choices().get(0).message().content()).hasValue("Bonjour");
		assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
		assertThat(completion.usage()).hasValueSatisfying(usage -> {
			assertThat(usage.promptTokens()).isEqualTo(11);
			assertThat(usage.completionTokens()).as("thoughts count as completion").isEqualTo(7);
			assertThat(usage.totalTokens()).isEqualTo(18);
		});
		GEMINI.verify(postRequestedFor(urlEqualTo(GENERATE))
			.withHeader("x-goog-api-key", equalTo(GEMINI_PROVIDER_KEY))
			.withHeader("Authorization", absent())
			.withRequestBody(matchingJsonPath("$.model", absent()))
			.withRequestBody(matchingJsonPath("$.systemInstruction.parts[0].text", equalTo("Speak French.")))
			.withRequestBody(matchingJsonPath("$.contents[0].role", equalTo("user")))
			.withRequestBody(matchingJsonPath("$.contents[0].parts[0].text", equalTo("Hello")))
			.withRequestBody(matchingJsonPath("$.generationConfig.maxOutputTokens", equalTo("50")))
			.withRequestBody(matchingJsonPath("$.generationConfig.temperature", equalTo("0.2"))));
	}

	@Test
	void openAiSdkStreamsTextAndParallelFunctionCallsFromGeminiArrivingInPieces() {
		String stream = event("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Checking\"}],\"role\":\"model\"},\"index\":0}],"
				+ TAIL + "}")
				+ event("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" both.\"}],\"role\":\"model\"},\"index\":0}]," + TAIL + "}")
				+ event("{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}},"
						+ "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Rome\"}}}],\"role\":\"model\"},"
						+ "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":30,"
						+ "\"candidatesTokenCount\":12,\"totalTokenCount\":42}," + TAIL + "}");
		GEMINI.stubFor(post(urlEqualTo(STREAM)).willReturn(sse(stream)));

		ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		try (var response = this.openAi.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
			.model("gemini-only").addUserMessage("Weather in Paris and Rome?")
			.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
			response.stream().forEach(chunk -> chunks.add(accumulator.accumulate(chunk)));
		}
		ChatCompletion completion = accumulator.chatCompletion();

		assertThat(completion.choices().get(0).message().content()).hasValue("Checking both.");
		List<ChatCompletionMessageToolCall> calls = completion.choices().get(0).message().toolCalls().orElseThrow();
		assertThat(calls).extracting(call -> call.asFunction().function().arguments())
			.containsExactly("{\"city\":\"Paris\"}", "{\"city\":\"Rome\"}");
		assertThat(calls).extracting(call -> call.asFunction().id()).as("distinct ids made for Gemini's id-less calls")
			.containsExactly("call_resp-G1_0", "call_resp-G1_1");
		assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
		assertThat(chunks.get(chunks.size() - 1).usage()).as("the usage chunk, asked for")
			.hasValueSatisfying(usage -> assertThat(usage.totalTokens()).isEqualTo(42));
		GEMINI.verify(postRequestedFor(urlEqualTo(STREAM)).withRequestBody(matchingJsonPath("$.stream", absent())));
	}

	// ------------------------------------------------------------------ Anthropic SDK (Anthropic -> hub -> Gemini)

	@Test
	void anthropicSdkGetsAGeminiFunctionCallAsAToolUseMessage() {
		GEMINI.stubFor(post(urlEqualTo(GENERATE)).willReturn(json(200, "{\"candidates\":[{\"content\":{\"role\":\"model\","
				+ "\"parts\":[{\"text\":\"Reading.\"},{\"functionCall\":{\"name\":\"Read\",\"args\":{\"path\":\"a.md\"}}}]},"
				+ "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":50,"
				+ "\"cachedContentTokenCount\":20,\"candidatesTokenCount\":9,\"totalTokenCount\":59}," + TAIL + "}")));

		Message message = this.anthropic.messages().create(MessageCreateParams.builder().model("gemini-only")
			.maxTokens(300).system("Be brief.").addUserMessage("Open a.md")
			.addTool(com.anthropic.models.messages.Tool.builder().name("Read")
				.inputSchema(com.anthropic.models.messages.Tool.InputSchema.builder()
					.properties(com.anthropic.core.JsonValue.from(java.util.Map.of("path", java.util.Map.of("type", "string"))))
					.build())
				.build())
			.build());

		assertThat(message.content()).extracting(ContentBlock::isText, ContentBlock::isToolUse).containsExactly(
				org.assertj.core.groups.Tuple.tuple(true, false), org.assertj.core.groups.Tuple.tuple(false, true));
		ToolUseBlock use = message.content().get(1).asToolUse();
		assertThat(use.name()).isEqualTo("Read");
		assertThat(use.id()).isEqualTo("call_resp-G1_0");
		assertThat(message.stopReason()).hasValue(StopReason.TOOL_USE);
		assertThat(message.usage().inputTokens()).as("uncached input").isEqualTo(30);
		assertThat(message.usage().cacheReadInputTokens()).hasValue(20L);
		assertThat(message.usage().outputTokens()).isEqualTo(9);
		GEMINI.verify(postRequestedFor(urlEqualTo(GENERATE))
			.withHeader("anthropic-version", absent())
			.withRequestBody(matchingJsonPath("$.systemInstruction.parts[0].text", equalTo("Be brief.")))
			.withRequestBody(matchingJsonPath("$.tools[0].functionDeclarations[0].name", equalTo("Read")))
			.withRequestBody(matchingJsonPath("$.generationConfig.maxOutputTokens", equalTo("300"))));
	}

	@Test
	void anthropicSdkStreamsAGeminiAnswerArrivingInPieces() {
		String stream = event("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}]," + TAIL + "}")
				+ event("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo!\"}],\"role\":\"model\"},\"index\":0}]," + TAIL + "}")
				+ event("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},\"finishReason\":\"MAX_TOKENS\","
						+ "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":8,\"candidatesTokenCount\":3,\"totalTokenCount\":11},"
						+ TAIL + "}");
		GEMINI.stubFor(post(urlEqualTo(STREAM)).willReturn(sse(stream)));

		MessageAccumulator accumulator = MessageAccumulator.create();
		List<RawMessageStreamEvent> events = new ArrayList<>();
		try (StreamResponse<RawMessageStreamEvent> response = this.anthropic.messages()
			.createStreaming(MessageCreateParams.builder().model("gemini-only").maxTokens(3).addUserMessage("Hi").build())) {
			response.stream().forEach(event -> events.add(accumulator.accumulate(event)));
		}
		Message message = accumulator.message();

		assertThat(events.get(0).isMessageStart()).isTrue();
		assertThat(events.get(events.size() - 1).isMessageStop()).isTrue();
		assertThat(message.content().get(0).text().orElseThrow().text()).isEqualTo("Hello!");
		assertThat(message.stopReason()).hasValue(StopReason.MAX_TOKENS);
		assertThat(message.usage().outputTokens()).isEqualTo(3);
	}

	// ------------------------------------------------------------------ fallback and errors

	@Test
	void aGemini503FallsBackToTheOpenAiTarget() {
		GEMINI.stubFor(post(urlEqualTo(GENERATE)).willReturn(json(503,
				"{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}")));
		SECONDARY.stubFor(post("/v1/chat/completions").willReturn(json(200, OpenAiFixtures.completion("llama-3.3-70b", "from secondary"))));

		EntityExchangeResult<byte[]> result = chat("gemini-then-secondary");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(content(result)).isEqualTo("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-routing")).matches(
				"gemini/gemini-2.5-flash;outcome=503;dur=[\\d.]+, secondary/llama-3.3-70b;outcome=200;dur=[\\d.]+");
		SECONDARY.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Hello"))));
	}

	@Test
	void aGemini429ResourceExhaustedFallsBackToTheOpenAiTarget() {
		GEMINI.stubFor(post(urlEqualTo(GENERATE)).willReturn(json(429,
				"{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted (e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}}")));
		SECONDARY.stubFor(post("/v1/chat/completions").willReturn(json(200, OpenAiFixtures.completion("llama-3.3-70b", "from secondary"))));

		EntityExchangeResult<byte[]> result = chat("gemini-then-secondary");

		assertThat(content(result)).isEqualTo("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-routing")).startsWith("gemini/gemini-2.5-flash;outcome=429;");
	}

	@Test
	void aGeminiContextLengthErrorFallsBackToTheOpenAiTarget() {
		GEMINI.stubFor(post(urlEqualTo(GENERATE)).willReturn(json(400, "{\"error\":{\"code\":400,\"message\":"
				+ "\"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).\","
				+ "\"status\":\"INVALID_ARGUMENT\"}}")));
		SECONDARY.stubFor(post("/v1/chat/completions").willReturn(json(200, OpenAiFixtures.completion("llama-3.3-70b", "from secondary"))));

		EntityExchangeResult<byte[]> result = chat("gemini-then-secondary");

		assertThat(content(result)).isEqualTo("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-routing"))
			.startsWith("gemini/gemini-2.5-flash;outcome=context_length;");
	}

	@Test
	void aGeminiErrorThatDoesNotFallBackReachesAnOpenAiClientInItsShape() {
		GEMINI.stubFor(post(urlEqualTo(GENERATE)).willReturn(json(400, "{\"error\":{\"code\":400,\"message\":"
				+ "\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\"}}")));

		EntityExchangeResult<byte[]> result = chat("gemini-then-secondary");

		assertThat(result.getStatus().value()).isEqualTo(400);
		JsonNode error = JsonTrees.MAPPER.readTree(result.getResponseBody()).get("error");
		assertThat(error.get("message").stringValue()).isEqualTo("API key not valid. Please pass a valid API key.");
		assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
		assertThat(error.get("code").stringValue()).isEqualTo("INVALID_ARGUMENT");
		SECONDARY.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void aGeminiStreamCutBeforeItsFinishReasonEndsWithAnInBandErrorAndNoDone() {
		GEMINI.stubFor(post(urlEqualTo(STREAM)).willReturn(sse(
				event("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Half\"}],\"role\":\"model\"},\"index\":0}]," + TAIL + "}"))));

		StreamingClient.Streamed streamed = new StreamingClient(baseUrl(), TEAM_A_KEY).post(CHAT, streamBody("gemini-only"))
			.block(Duration.ofSeconds(20));

		List<String> events = streamed.events();
		assertThat(streamed.body()).contains("\"content\":\"Half\"").doesNotContain("[DONE]");
		assertThat(events.get(events.size() - 1)).startsWith("data: {\"error\":").contains("\"code\":\"stream_interrupted\"");
	}

	@Test
	void anImageUrlGeminiCannotFetchIsRefusedWithoutAnUpstreamRequest() {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"gemini-only\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
					+ "\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(400);
		JsonNode error = JsonTrees.MAPPER.readTree(result.getResponseBody()).get("error");
		assertThat(error.get("code").stringValue()).isEqualTo("unsupported_parameter");
		assertThat(error.get("param").stringValue()).isEqualTo("messages[0].content[0]");
		GEMINI.verify(0, anyRequestedFor(anyUrl()));
	}

	// ------------------------------------------------------------------ helpers

	/** One Gemini SSE event, framed with CRLF as Google frames them. */
	private static String event(String json) {
		return "data: " + json + "\r\n\r\n";
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sse(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body)
			.withChunkedDribbleDelay(9, 150);
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	private static String content(EntityExchangeResult<byte[]> result) {
		return JsonTrees.MAPPER.readTree(result.getResponseBody()).at("/choices/0/message/content").stringValue();
	}

}
