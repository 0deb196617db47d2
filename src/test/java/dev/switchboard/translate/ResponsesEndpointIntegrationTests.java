package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.AnthropicFixtures;
import dev.switchboard.testsupport.GatewayIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/responses} through the hub, driven by the official OpenAI Java SDK (whose
 * {@link ResponseAccumulator} checks the event grammar): to the mock, to an Anthropic and a Gemini provider (WireMock),
 * JSON and streamed, with tool calls; the passthrough to an OpenAI provider byte for byte; and the stateful
 * parameters refused for a translated target.
 */
class ResponsesEndpointIntegrationTests extends GatewayIntegrationTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final String GEMINI_STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

	private OpenAIClient openAi;

	@BeforeEach
	void sdk() {
		this.openAi = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(TEAM_A_KEY).maxRetries(0).build();
	}

	@AfterEach
	void closeSdk() {
		this.openAi.close();
	}

	@Test
	void theMockAnswersAResponsesRequestAsJsonAndAsAStreamWithTheSameText() {
		ResponseCreateParams params = ResponseCreateParams.builder()
			.model("mock/mock-1")
			.instructions("Be brief.")
			.input("Hello there")
			.build();

		Response response = this.openAi.responses().create(params);
		String text = outputText(response);
		assertThat(text).isNotBlank();
		assertThat(response.status()).hasValue(com.openai.models.responses.ResponseStatus.COMPLETED);
		assertThat(response.usage()).hasValueSatisfying(usage -> assertThat(usage.outputTokens()).isPositive());

		ResponseAccumulator accumulator = ResponseAccumulator.create();
		try (StreamResponse<ResponseStreamEvent> stream = this.openAi.responses().createStreaming(params)) {
			stream.stream().forEach(accumulator::accumulate);
		}
		Response streamed = accumulator.response();
		assertThat(outputText(streamed)).as("the stream carries the JSON answer's text").isEqualTo(text);
		assertThat(streamed.usage()).isPresent();
	}

	@Test
	void anAnthropicStreamWithThinkingReachesTheSdkAsAReasoningSummaryThenText() {
		String thinking = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
				+ "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n"
				+ "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
				+ "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Paris is the capital.\"}}\n\n"
				+ "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
				+ "\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}\n\n"
				+ AnthropicFixtures.blockStop(0);
		CLAUDE.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(AnthropicFixtures.messageStart("claude-sonnet-4") + thinking
					+ AnthropicFixtures.event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,"
							+ "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
					+ AnthropicFixtures.textDelta(1, "Paris.") + AnthropicFixtures.blockStop(1)
					+ AnthropicFixtures.messageDelta("end_turn", 7) + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
			.withChunkedDribbleDelay(8, 30)));

		ResponseAccumulator accumulator = ResponseAccumulator.create();
		try (StreamResponse<ResponseStreamEvent> stream = this.openAi.responses()
			.createStreaming(ResponseCreateParams.builder()
				.model("claude-only")
				.input("Capital of France?")
				.reasoning(com.openai.models.Reasoning.builder().effort(com.openai.models.ReasoningEffort.HIGH).build())
				.build())) {
			stream.stream().forEach(accumulator::accumulate);
		}

		Response response = accumulator.response();
		assertThat(response.output().get(0).isReasoning()).as("the reasoning item comes first").isTrue();
		assertThat(response.output().get(0).asReasoning().summary().get(0).text()).isEqualTo("Paris is the capital.");
		assertThat(outputText(response)).isEqualTo("Paris.");
		CLAUDE.verify(postRequestedFor(urlEqualTo("/v1/messages"))
			.withRequestBody(matchingJsonPath("$.thinking.budget_tokens", equalTo("24576")))
			.withRequestBody(matchingJsonPath("$.max_tokens", equalTo(Integer.toString(4096 + 24576)))));
	}

	@Test
	void anAnthropicProviderAnswersWithAFunctionCallItem() {
		CLAUDE.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4\","
					+ "\"content\":[{\"type\":\"text\",\"text\":\"Checking.\"},{\"type\":\"tool_use\",\"id\":\"toolu_1\","
					+ "\"name\":\"exec_command\",\"input\":{\"cmd\":\"ls\"}}],\"stop_reason\":\"tool_use\","
					+ "\"stop_sequence\":null,\"usage\":{\"input_tokens\":20,\"output_tokens\":9}}")));

		Response response = this.openAi.responses().create(ResponseCreateParams.builder()
			.model("claude-only")
			.instructions("You are a coding agent.")
			.input("List the files")
			.addTool(FunctionTool.builder()
				.name("exec_command")
				.parameters(FunctionTool.Parameters.builder()
					.putAdditionalProperty("type", JsonValue.from("object"))
					.putAdditionalProperty("properties", JsonValue.from(java.util.Map.of("cmd", java.util.Map.of("type", "string"))))
					.build())
				.strict(false)
				.build())
			.maxOutputTokens(300L)
			.store(false)
			.build());

		assertThat(outputText(response)).isEqualTo("Checking.");
		ResponseFunctionToolCall call = response.output().stream().filter(ResponseOutputItem::isFunctionCall)
			.map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
		assertThat(call.name()).isEqualTo("exec_command");
		assertThat(call.callId()).isEqualTo("toolu_1");
		assertThat(call.arguments()).isEqualTo("{\"cmd\":\"ls\"}");
		assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(20);
		CLAUDE.verify(postRequestedFor(urlEqualTo("/v1/messages"))
			.withRequestBody(matchingJsonPath("$.system", equalTo("You are a coding agent.")))
			.withRequestBody(matchingJsonPath("$.max_tokens", equalTo("300")))
			.withRequestBody(matchingJsonPath("$.tools[0].name", equalTo("exec_command")))
			.withRequestBody(matchingJsonPath("$.messages[0].content[0].text", equalTo("List the files"))));
	}

	@Test
	void aGeminiStreamBecomesResponsesEventsWithSequenceNumbersAndAFunctionCall() {
		GEMINI.stubFor(post(urlEqualTo(GEMINI_STREAM)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Let me \"}]},\"index\":0}]}\r\n\r\n"
					+ "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"look.\"},"
					+ "{\"functionCall\":{\"name\":\"read_file\",\"args\":{\"path\":\"README.md\"}}}]},"
					+ "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":7,"
					+ "\"candidatesTokenCount\":5,\"totalTokenCount\":12}}\r\n\r\n")
			.withChunkedDribbleDelay(6, 30)));

		String body = "{\"model\":\"gemini-only\",\"stream\":true,\"store\":false,\"input\":[{\"type\":\"message\","
				+ "\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"Be careful.\"}]},"
				+ "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Read it\"}]}],"
				+ "\"tools\":[{\"type\":\"function\",\"name\":\"read_file\",\"parameters\":{\"type\":\"object\","
				+ "\"properties\":{\"path\":{\"type\":\"string\"}}}},{\"type\":\"web_search\"}],"
				+ "\"reasoning\":{\"summary\":\"auto\"},\"include\":[\"reasoning.encrypted_content\"]}";
		EntityExchangeResult<byte[]> result = responses(body);

		assertThat(result.getResponseHeaders().getFirst("x-switchboard-dropped-params"))
			.contains("tools.web_search", "include", "reasoning.summary");
		List<JsonNode> events = events(result);
		assertThat(events).extracting(event -> event.path("type").asString())
			.containsExactly("response.created", "response.in_progress", "response.output_item.added",
					"response.content_part.added", "response.output_text.delta", "response.output_text.delta",
					"response.output_text.done", "response.content_part.done", "response.output_item.done",
					"response.output_item.added", "response.function_call_arguments.delta",
					"response.function_call_arguments.done", "response.output_item.done", "response.completed");
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i).path("sequence_number").asInt()).isEqualTo(i);
		}
		JsonNode completed = events.get(events.size() - 1).path("response");
		assertThat(completed.path("status").asString()).isEqualTo("completed");
		assertThat(completed.path("output").get(0).path("content").get(0).path("text").asString()).isEqualTo("Let me look.");
		assertThat(completed.path("output").get(1).path("name").asString()).isEqualTo("read_file");
		assertThat(completed.path("output").get(1).path("arguments").asString()).isEqualTo("{\"path\":\"README.md\"}");
		assertThat(completed.path("usage").path("total_tokens").asInt()).isEqualTo(12);
		GEMINI.verify(postRequestedFor(urlEqualTo(GEMINI_STREAM))
			.withRequestBody(matchingJsonPath("$.systemInstruction.parts[0].text", equalTo("Be careful.")))
			.withRequestBody(matchingJsonPath("$.tools[0].functionDeclarations[0].name", equalTo("read_file"))));
	}

	@Test
	void anOpenAiProviderGetsTheClientsBytesOnItsOwnResponsesEndpoint() {
		String answer = "{\"id\":\"resp_upstream\",\"object\":\"response\" ,\"status\":\"completed\",\"output\":[]}";
		PRIMARY.stubFor(post("/v1/responses").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(answer)));
		String sent = "{\"model\":\"fast\", \"input\":\"Hi\",\"store\":true,\"previous_response_id\":\"resp_0\"}";

		EntityExchangeResult<byte[]> result = responses(sent);

		assertThat(new String(result.getResponseBody(), StandardCharsets.UTF_8)).isEqualTo(answer);
		PRIMARY.verify(postRequestedFor(urlEqualTo("/v1/responses"))
			.withRequestBody(equalTo(sent.replace("\"fast\"", "\"gpt-4o-mini\""))));
	}

	@Test
	void storedResponsesAreRefusedForATranslatedTargetWithTheParameterNamed() {
		EntityExchangeResult<byte[]> previous = responses(
				"{\"model\":\"claude-only\",\"input\":\"Hi\",\"previous_response_id\":\"resp_0\"}");
		EntityExchangeResult<byte[]> store = responses("{\"model\":\"gemini-only\",\"input\":\"Hi\",\"store\":true}");

		for (EntityExchangeResult<byte[]> result : List.of(previous, store)) {
			assertThat(result.getStatus().value()).isEqualTo(400);
			JsonNode error = MAPPER.readTree(result.getResponseBody()).path("error");
			assertThat(error.path("code").asString()).isEqualTo("unsupported_parameter");
			assertThat(error.path("message").asString()).contains("stores no responses");
		}
		assertThat(MAPPER.readTree(previous.getResponseBody()).path("error").path("param").asString())
			.isEqualTo("previous_response_id");
		CLAUDE.verify(0, postRequestedFor(urlEqualTo("/v1/messages")));
	}

	private EntityExchangeResult<byte[]> responses(String body) {
		return this.client.post()
			.uri("/v1/responses")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static List<JsonNode> events(EntityExchangeResult<byte[]> result) {
		String text = new String(result.getResponseBody(), StandardCharsets.UTF_8);
		List<JsonNode> events = new java.util.ArrayList<>();
		for (String event : text.split("\n\n")) {
			for (String line : event.split("\n")) {
				if (line.startsWith("data: ")) {
					events.add(MAPPER.readTree(line.substring(6)));
				}
			}
		}
		return events;
	}

	private static String outputText(Response response) {
		StringBuilder text = new StringBuilder();
		response.output().stream().filter(ResponseOutputItem::isMessage).map(ResponseOutputItem::asMessage)
			.forEach(message -> message.content().forEach(part -> part.outputText().ifPresent(t -> text.append(t.text()))));
		return text.toString();
	}

}
