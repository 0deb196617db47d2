package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.AnthropicFixtures;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.AnthropicErrors.assertAnthropicError;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/messages} and {@code /v1/messages/count_tokens} through the HTTP surface: authentication, Anthropic
 * error shapes, passthrough to anthropic providers, translation to and from openai providers (JSON and streams), and
 * malformed upstream output, which always ends in a well-formed error in the client's format.
 */
class MessagesEndpointIntegrationTests extends GatewayIntegrationTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final String MESSAGES = "/v1/messages";

	private static final String CHAT = "/v1/chat/completions";

	// ------------------------------------------------------------------ passthrough

	@Test
	void passthroughSendsTheClientsBytesWithOnlyTheModelReplacedAndReturnsTheProvidersBytes() {
		String sent = "{ \"model\" : \"claude-only\",\"max_tokens\":1.0E3, \"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
				+ "\"unknown_field\":{\"kept\":true}, \"top_k\": 5 }";
		String answer = AnthropicFixtures.message("claude-sonnet-4-20250514", "Hello!").replace(",", " ,");
		CLAUDE.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withHeader("request-id", "req_upstream")
			.withBody(answer)));

		EntityExchangeResult<byte[]> result = messages(sent, "x-api-key", TEAM_A_KEY);

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBody(), StandardCharsets.UTF_8)).as("the provider's bytes, untouched")
			.isEqualTo(answer);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("claude");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-dropped-params")).isNull();
		CLAUDE.verify(postRequestedFor(urlEqualTo(MESSAGES))
			.withHeader("x-api-key", equalTo(CLAUDE_PROVIDER_KEY))
			.withHeader("anthropic-version", equalTo("2024-10-22"))
			.withHeader("anthropic-beta", equalTo("prompt-caching-2024-07-31"))
			.withHeader("Authorization", absent())
			.withRequestBody(equalTo(sent.replace("\"claude-only\"", "\"claude-sonnet-4\""))));
	}

	@Test
	void passthroughStreamCutMidwayEndsWithAnAnthropicErrorEventAndNoMessageStop() {
		CLAUDE.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(AnthropicFixtures.messageStart("claude-sonnet-4") + AnthropicFixtures.textStart(0)
					+ AnthropicFixtures.textDelta(0, "Half"))));

		StreamingClient.Streamed streamed = stream(MESSAGES, streamRequest("claude-only"));

		List<String> events = streamed.events();
		assertThat(events.get(0)).as("message_start stays first").startsWith("event: message_start\n");
		assertThat(events.get(events.size() - 1)).startsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":");
		assertThat(streamed.body()).doesNotContain("message_stop");
	}

	// ------------------------------------------------------------------ authentication and errors

	@Test
	void authenticatesByXApiKeyOrBearer() {
		stubOpenAiAnswer(PRIMARY, "from primary");

		assertThat(messages(request("fast"), "x-api-key", TEAM_A_KEY).getStatus().value()).isEqualTo(200);
		assertThat(messages(request("fast"), "Authorization", "Bearer " + TEAM_A_KEY).getStatus().value()).isEqualTo(200);
	}

	@Test
	void answersErrorsInAnthropicsShapeWithTheGatewaysCodeInTheMessage() {
		assertThat(assertAnthropicError(messages(request("fast"), "x-api-key", "sk-wrong"), 401, "authentication_error"))
			.startsWith("invalid_api_key: ");
		assertThat(assertAnthropicError(messages(request("no-such-model"), "x-api-key", TEAM_A_KEY), 404, "not_found_error"))
			.startsWith("model_not_found: ");
		assertThat(assertAnthropicError(messages("{\"model\":", "x-api-key", TEAM_A_KEY), 400, "invalid_request_error"))
			.startsWith("invalid_json: ");
		assertThat(assertAnthropicError(messages(request("chain"), "x-api-key", LIMITED_KEY), 403, "permission_error"))
			.startsWith("model_not_allowed: ");
		EntityExchangeResult<byte[]> text = this.client.post()
			.uri(MESSAGES)
			.header("x-api-key", TEAM_A_KEY)
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(request("fast"))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(assertAnthropicError(text, 400, "invalid_request_error")).as("Anthropic answers a wrong media type with 400")
			.startsWith("unsupported_media_type: ");
	}

	@Test
	void everyTargetFailedIsAnAnthropicErrorListingTheTargets() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(500)));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(503)));

		String message = assertAnthropicError(messages(request("fast"), "x-api-key", TEAM_A_KEY), 502, "api_error");

		assertThat(message).startsWith("upstream_unavailable: ").contains("primary/gpt-4o-mini: HTTP 500");
	}

	@Test
	void everyTargetRateLimitedIsARateLimitError() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")));

		EntityExchangeResult<byte[]> result = messages(request("fast"), "x-api-key", TEAM_A_KEY);

		assertAnthropicError(result, 429, "rate_limit_error");
		assertThat(result.getResponseHeaders().getFirst("Retry-After")).isEqualTo("3");
	}

	@Test
	void anUpstreamErrorOfAnotherFormatReachesTheClientInItsOwnShape() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("Invalid value for temperature", "invalid_request_error", "invalid_value"))));
		CLAUDE.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(AnthropicFixtures.error("authentication_error", "invalid x-api-key"))));

		assertThat(assertAnthropicError(messages(request("fast"), "x-api-key", TEAM_A_KEY), 400, "invalid_request_error"))
			.isEqualTo("invalid_value: Invalid value for temperature");
		EntityExchangeResult<byte[]> chat = chat("claude-only");
		JsonNode error = MAPPER.readTree(chat.getResponseBody()).get("error");
		assertThat(chat.getStatus().value()).isEqualTo(401);
		assertThat(error.get("type").stringValue()).isEqualTo("authentication_error");
		assertThat(error.get("message").stringValue()).isEqualTo("invalid x-api-key");
	}

	@Test
	void aRequestTheTargetCannotExpressIsA400NamingTheParameterWithoutAnUpstreamRequest() {
		String body = "{\"model\":\"fast\",\"max_tokens\":10,\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://mcp.example\","
				+ "\"name\":\"docs\"}],\"messages\":[{\"role\":\"user\",\"content\":\"news?\"}]}";

		String message = assertAnthropicError(messages(body, "x-api-key", TEAM_A_KEY), 400, "invalid_request_error");

		assertThat(message).startsWith("unsupported_parameter: ").contains("mcp_servers").contains("Anthropic's servers");
		PRIMARY.verify(0, postRequestedFor(anyUrl()));
	}

	@Test
	void droppedParametersAreNamedInAHeader() {
		stubOpenAiAnswer(PRIMARY, "ok");
		String body = "{\"model\":\"fast\",\"max_tokens\":10,\"top_k\":3,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

		EntityExchangeResult<byte[]> result = messages(body, "x-api-key", TEAM_A_KEY);

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-dropped-params")).isEqualTo("top_k");
	}

	// ------------------------------------------------------------------ translation

	@Test
	void anAnthropicClientGetsAnOpenAiProvidersAnswerAsAMessage() {
		stubOpenAiAnswer(PRIMARY, "Hi from primary");

		EntityExchangeResult<byte[]> result = messages(request("fast"), "x-api-key", TEAM_A_KEY);

		JsonNode message = MAPPER.readTree(result.getResponseBody());
		assertThat(message.get("type").stringValue()).isEqualTo("message");
		assertThat(message.get("content").get(0).get("text").stringValue()).isEqualTo("Hi from primary");
		assertThat(message.get("stop_reason").stringValue()).isEqualTo("end_turn");
		assertThat(message.get("usage").get("input_tokens").asInt()).isEqualTo(5);
		assertThat(message.get("usage").get("output_tokens").asInt()).isEqualTo(2);
		PRIMARY.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + PRIMARY_PROVIDER_KEY))
			.withHeader("anthropic-version", absent())
			.withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini\",\"max_completion_tokens\":100,"
					+ "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")));
	}

	@Test
	void anOpenAiClientReachesAnAnthropicProviderWithTheDefaultVersionAndMaxTokens() {
		CLAUDE.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(AnthropicFixtures.message("claude-sonnet-4-20250514", "Hello from Claude"))));

		EntityExchangeResult<byte[]> result = chat("claude-only");

		JsonNode completion = MAPPER.readTree(result.getResponseBody());
		assertThat(completion.get("object").stringValue()).isEqualTo("chat.completion");
		assertThat(completion.get("choices").get(0).get("message").get("content").stringValue()).isEqualTo("Hello from Claude");
		assertThat(completion.get("usage").get("prompt_tokens").asInt()).as("input and cache reads").isEqualTo(12);
		CLAUDE.verify(postRequestedFor(urlEqualTo(MESSAGES)).withHeader("anthropic-version", equalTo("2023-06-01"))
			.withHeader("x-api-key", equalTo(CLAUDE_PROVIDER_KEY))
			.withRequestBody(equalToJson("{\"model\":\"claude-sonnet-4\",\"max_tokens\":4096,"
					+ "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]}")));
	}

	@Test
	void anAnthropicClientStreamsFromAnOpenAiProviderEventByEvent() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("gpt-4o-mini", "Hel", "lo") + "")
			.withChunkedDribbleDelay(6, 120)));

		StreamingClient.Streamed streamed = stream(MESSAGES, streamRequest("fast"));

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("content-type")).startsWith("text/event-stream");
		assertThat(names(streamed)).containsExactly("message_start", "content_block_start", "content_block_delta",
				"content_block_delta", "content_block_stop", "message_delta", "message_stop");
		assertThat(streamed.chunks()).as("events go out as the upstream sends them, not at the end").hasSizeGreaterThan(2);
		PRIMARY.verify(postRequestedFor(urlEqualTo(CHAT))
			.withRequestBody(matchingJsonPath("$.stream_options.include_usage", equalTo("true"))));
	}

	@Test
	void anUpstreamErrorInATranslatedStreamIsAnAnthropicErrorEvent() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.chunkEvent("gpt-4o-mini", "Half")
					+ "data: {\"error\":{\"message\":\"model crashed\",\"type\":\"server_error\",\"code\":null,\"param\":null}}\n\n")));

		StreamingClient.Streamed streamed = stream(MESSAGES, streamRequest("fast"));

		List<String> events = streamed.events();
		assertThat(events.get(0)).startsWith("event: message_start\n");
		assertThat(events.get(events.size() - 1)).startsWith("event: error\n").contains("\"type\":\"api_error\"")
			.contains("model crashed");
		assertThat(streamed.body()).doesNotContain("message_stop").doesNotContain("message_delta");
	}

	@Test
	void anAnthropicErrorEventInATranslatedStreamIsAnOpenAiErrorAndNoDone() {
		CLAUDE.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(AnthropicFixtures.messageStart("claude-sonnet-4") + AnthropicFixtures.textStart(0)
					+ AnthropicFixtures.textDelta(0, "Half")
					+ AnthropicFixtures.event("error", AnthropicFixtures.error("overloaded_error", "Overloaded")))));

		StreamingClient.Streamed streamed = stream(CHAT, streamBody("claude-only"));

		List<String> events = streamed.events();
		assertThat(events.get(events.size() - 1)).startsWith("data: {\"error\":")
			.contains("\"code\":\"stream_interrupted\"")
			.contains("overloaded_error: Overloaded");
		assertThat(streamed.body()).contains("\"content\":\"Half\"").doesNotContain("[DONE]");
	}

	@Test
	void aTranslatedJsonAnswerThatIsNotJsonFallsBackAndTheClientKeepsItsFormat() {
		CLAUDE.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"msg_01\",\"type\":\"message\",\"content\":[{\"type\":\"te")));
		stubOpenAiAnswer(SECONDARY, "from secondary");

		EntityExchangeResult<byte[]> fellBack = chat("smart");
		EntityExchangeResult<byte[]> alone = chat("claude-only");

		assertThat(MAPPER.readTree(fellBack.getResponseBody()).get("choices").get(0).get("message").get("content").stringValue())
			.isEqualTo("from secondary");
		assertThat(fellBack.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		assertGatewayError(alone, 502, "upstream_unavailable", "upstream_error");
	}

	// ------------------------------------------------------------------ fallback across formats

	@Test
	void anAnthropicClientFallsBackFromTheAnthropicTargetToTheOpenAiTargetAndGetsAMessage() {
		CLAUDE.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(529)
			.withHeader("Content-Type", "application/json")
			.withBody(AnthropicFixtures.error("overloaded_error", "Overloaded"))));
		stubOpenAiAnswer(SECONDARY, "from secondary");

		EntityExchangeResult<byte[]> result = messages(request("smart"), "x-api-key", TEAM_A_KEY);

		JsonNode message = MAPPER.readTree(result.getResponseBody());
		assertThat(message.get("type").stringValue()).isEqualTo("message");
		assertThat(message.get("content").get(0).get("text").stringValue()).isEqualTo("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
	}

	@Test
	void anAnthropicPromptTooLongFallsBackAsAContextLengthError() {
		CLAUDE.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody(AnthropicFixtures.error("invalid_request_error", "prompt is too long: 250000 tokens > 200000 maximum"))));
		stubOpenAiAnswer(SECONDARY, "from secondary");

		EntityExchangeResult<byte[]> anthropicClient = messages(request("smart"), "x-api-key", TEAM_A_KEY);
		EntityExchangeResult<byte[]> openAiClient = chat("smart");

		assertThat(MAPPER.readTree(anthropicClient.getResponseBody()).get("content").get(0).get("text").stringValue())
			.isEqualTo("from secondary");
		assertThat(MAPPER.readTree(openAiClient.getResponseBody()).get("choices").get(0).get("message").get("content")
			.stringValue()).isEqualTo("from secondary");
	}

	@Test
	void anOpenAiClientOnTheSmartRouteGetsTheAnthropicTargetsAnswerInOpenAisFormat() {
		CLAUDE.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(AnthropicFixtures.stream("claude-sonnet-4", "Hi", " there"))
			.withChunkedDribbleDelay(5, 100)));

		StreamingClient.Streamed streamed = stream(CHAT, "{\"model\":\"smart\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
				+ "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");

		List<String> events = streamed.events();
		assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]\n\n");
		assertThat(streamed.body()).contains("\"content\":\"Hi\"").contains("\"content\":\" there\"")
			.contains("\"finish_reason\":\"stop\"")
			.contains("\"prompt_tokens\":12");
		SECONDARY.verify(0, postRequestedFor(anyUrl()));
	}

	// ------------------------------------------------------------------ count_tokens and the mock

	@Test
	void countTokensPassesThroughToAnthropicAndIsEstimatedForOthers() {
		CLAUDE.stubFor(post("/v1/messages/count_tokens").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"input_tokens\":42}")));
		String body = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";

		EntityExchangeResult<byte[]> passed = postTo("/v1/messages/count_tokens", body.formatted("claude-only", "Hello"));
		EntityExchangeResult<byte[]> estimated = postTo("/v1/messages/count_tokens", body.formatted("fast", "x".repeat(400)));

		assertThat(MAPPER.readTree(passed.getResponseBody()).get("input_tokens").asInt()).isEqualTo(42);
		assertThat(passed.getResponseHeaders().getFirst("x-switchboard-token-count")).isNull();
		assertThat(MAPPER.readTree(estimated.getResponseBody()).get("input_tokens").asInt())
			.as("400 characters of text and the role").isBetween(100, 103);
		assertThat(estimated.getResponseHeaders().getFirst("x-switchboard-token-count")).isEqualTo("estimate");
		assertThat(estimated.getResponseHeaders().getFirst("x-switchboard-attempts"))
			.as("estimated by the gateway: no upstream request, so no attempt").isEqualTo("0");
		assertThat(estimated.getResponseHeaders().getFirst("x-switchboard-routing")).isEqualTo("primary/gpt-4o-mini;outcome=local_200");
		assertThat(passed.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		PRIMARY.verify(0, postRequestedFor(anyUrl()));
	}

	@Test
	void theMockProviderAnswersAnthropicClientsToo() {
		EntityExchangeResult<byte[]> whole = messages(request("demo"), "x-api-key", TEAM_A_KEY);
		StreamingClient.Streamed streamed = stream(MESSAGES, streamRequest("demo"));

		JsonNode message = MAPPER.readTree(whole.getResponseBody());
		assertThat(message.get("content").get(0).get("text").stringValue()).isNotBlank();
		assertThat(names(streamed)).startsWith("message_start", "content_block_start").endsWith("message_delta", "message_stop");
	}

	// ------------------------------------------------------------------ helpers

	private static String request(String model) {
		return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
	}

	private static String streamRequest(String model) {
		return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
	}

	private EntityExchangeResult<byte[]> messages(String body, String header, String value) {
		return this.client.post()
			.uri(MESSAGES)
			.header(header, value)
			.header("anthropic-version", "2024-10-22")
			.header("anthropic-beta", "prompt-caching-2024-07-31")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private EntityExchangeResult<byte[]> postTo(String path, String body) {
		return this.client.post()
			.uri(path)
			.header("x-api-key", TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private StreamingClient.Streamed stream(String path, String body) {
		return new StreamingClient(baseUrl(), TEAM_A_KEY).post(path, body).block(Duration.ofSeconds(20));
	}

	private static List<String> names(StreamingClient.Streamed streamed) {
		return streamed.events().stream().map(event -> event.substring(7, event.indexOf('\n'))).toList();
	}

	private static void stubOpenAiAnswer(com.github.tomakehurst.wiremock.WireMockServer server, String content) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", content))));
	}

}
