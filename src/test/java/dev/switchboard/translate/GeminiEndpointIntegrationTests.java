package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.AnthropicFixtures;
import dev.switchboard.testsupport.GatewayIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gemini's API served by the gateway, {@code /v1beta/models/{model}:generateContent},
 * {@code :streamGenerateContent?alt=sse} and {@code :countTokens}, as a Gemini client calls it: the model from the
 * URL, the key as {@code x-goog-api-key} or {@code ?key=}, errors in Google's shape; translated to the mock, an
 * OpenAI and an Anthropic provider, and passed through to a Gemini provider byte for byte.
 */
class GeminiEndpointIntegrationTests extends GatewayIntegrationTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello there\"}]}]}";

	@Test
	void theMockAnswersGenerateContentAndItsStreamWithTheSameText() {
		EntityExchangeResult<byte[]> json = gemini("/v1beta/models/agents-mock:generateContent", HELLO);
		assertThat(json.getStatus().value()).isEqualTo(200);
		JsonNode answer = MAPPER.readTree(json.getResponseBody());
		String text = answer.path("candidates").get(0).path("content").path("parts").get(0).path("text").asString();
		assertThat(text).isNotBlank();
		assertThat(answer.path("candidates").get(0).path("finishReason").asString()).isEqualTo("STOP");
		assertThat(answer.path("usageMetadata").path("totalTokenCount").asInt()).isPositive();

		EntityExchangeResult<byte[]> stream = gemini("/v1beta/models/agents-mock:streamGenerateContent?alt=sse", HELLO);
		assertThat(stream.getResponseHeaders().getContentType().toString()).startsWith("text/event-stream");
		List<JsonNode> chunks = chunks(stream);
		StringBuilder streamed = new StringBuilder();
		chunks.forEach(chunk -> chunk.path("candidates").get(0).path("content").path("parts")
			.forEach(part -> streamed.append(part.path("text").asString(""))));
		assertThat(streamed.toString()).isEqualTo(text);
		JsonNode last = chunks.get(chunks.size() - 1);
		assertThat(last.path("candidates").get(0).path("finishReason").asString()).isEqualTo("STOP");
		assertThat(last.path("usageMetadata").path("promptTokenCount").asInt()).isPositive();
		assertThat(chunks.subList(0, chunks.size() - 1)).as("only the last chunk finishes")
			.allSatisfy(chunk -> assertThat(chunk.path("candidates").get(0).has("finishReason")).isFalse());
	}

	@Test
	void anOpenAiProviderGetsChatCompletionsAndItsToolCallComesBackAsAFunctionCall() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4.1\","
					+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
					+ "[{\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"read_file\","
					+ "\"arguments\":\"{\\\"path\\\":\\\"a.txt\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
					+ "\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":8,\"total_tokens\":38}}")));
		String body = "{\"systemInstruction\":{\"parts\":[{\"text\":\"You are Gemini CLI.\"}]},"
				+ "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Read a.txt\"}]}],"
				+ "\"tools\":[{\"functionDeclarations\":[{\"name\":\"read_file\",\"description\":\"Reads\","
				+ "\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"path\":{\"type\":\"STRING\"}}}}]},{\"googleSearch\":{}}],"
				+ "\"generationConfig\":{\"temperature\":0,\"topP\":0.95,\"topK\":64,\"maxOutputTokens\":256,"
				+ "\"thinkingConfig\":{\"includeThoughts\":true}}}";

		EntityExchangeResult<byte[]> result = gemini("/v1beta/models/agents-openai:generateContent", body);

		assertThat(result.getStatus().value()).isEqualTo(200);
		JsonNode part = MAPPER.readTree(result.getResponseBody()).path("candidates").get(0).path("content").path("parts").get(0);
		assertThat(part.path("functionCall").path("name").asString()).isEqualTo("read_file");
		assertThat(part.path("functionCall").path("id").asString()).isEqualTo("call_9");
		assertThat(part.path("functionCall").path("args").path("path").asString()).isEqualTo("a.txt");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-dropped-params"))
			.contains("tools.googleSearch", "generationConfig.thinkingConfig", "top_k");
		PRIMARY.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withHeader("Authorization", equalTo("Bearer " + PRIMARY_PROVIDER_KEY))
			.withHeader("x-goog-api-key", absent())
			.withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4.1")))
			.withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("You are Gemini CLI.")))
			.withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Read a.txt")))
			.withRequestBody(matchingJsonPath("$.tools[0].function.parameters.properties.path.type", equalTo("string")))
			.withRequestBody(matchingJsonPath("$.max_completion_tokens", equalTo("256"))));
	}

	@Test
	void anAnthropicStreamBecomesGeminiChunksAndTheKeyMayComeInTheUrl() {
		CLAUDE.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(AnthropicFixtures.stream("claude-sonnet-4", "Hel", "lo"))
			.withChunkedDribbleDelay(5, 20)));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/v1beta/models/claude-only:streamGenerateContent?alt=sse&key=" + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(HELLO)
			.exchange()
			.expectBody()
			.returnResult();

		List<JsonNode> chunks = chunks(result);
		assertThat(chunks).extracting(chunk -> chunk.path("candidates").get(0).path("content").path("parts").get(0)
			.path("text").asString()).containsExactly("Hel", "lo", "");
		assertThat(chunks.get(2).path("candidates").get(0).path("finishReason").asString()).isEqualTo("STOP");
		CLAUDE.verify(postRequestedFor(urlEqualTo("/v1/messages"))
			.withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
			.withRequestBody(matchingJsonPath("$.messages[0].content[0].text", equalTo("Hello there"))));
	}

	@Test
	void aGeminiProviderGetsTheClientsBytesAtItsOwnUrlWithoutTheClientsKey() {
		String answer = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hi\"}]},"
				+ "\"finishReason\":\"STOP\",\"index\":0}]}\r\n\r\n";
		GEMINI.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(answer)));
		String body = "{ \"contents\" : [{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}], \"unknownField\": 1.50 }";

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/v1beta/models/gemini-only:streamGenerateContent?alt=sse&key=" + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(new String(result.getResponseBody(), StandardCharsets.UTF_8)).isEqualTo(answer);
		GEMINI.verify(postRequestedFor(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
			.withHeader("x-goog-api-key", equalTo(GEMINI_PROVIDER_KEY))
			.withRequestBody(equalTo(body)));
	}

	@Test
	void countTokensIsEstimatedForOtherProvidersAndPassedThroughToGemini() {
		EntityExchangeResult<byte[]> estimate = gemini("/v1beta/models/agents-openai:countTokens",
				"{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"abcdefgh\"}]}]}");
		assertThat(MAPPER.readTree(estimate.getResponseBody()).path("totalTokens").asInt()).isEqualTo(3);
		assertThat(estimate.getResponseHeaders().getFirst("x-switchboard-token-count")).isEqualTo("estimate");
		PRIMARY.verify(0, postRequestedFor(anyUrl()));

		GEMINI.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:countTokens"))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
				.withBody("{\"totalTokens\":17}")));
		EntityExchangeResult<byte[]> counted = gemini("/v1beta/models/gemini-only:countTokens", HELLO);
		assertThat(MAPPER.readTree(counted.getResponseBody()).path("totalTokens").asInt()).isEqualTo(17);
	}

	@Test
	void errorsComeInGooglesShape() {
		EntityExchangeResult<byte[]> badKey = this.client.post()
			.uri("/v1beta/models/agents-mock:generateContent")
			.header("x-goog-api-key", "sk-wrong")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(HELLO)
			.exchange()
			.expectBody()
			.returnResult();
		assertGoogleError(badKey, 401, "UNAUTHENTICATED", "invalid_api_key: ");
		assertGoogleError(gemini("/v1beta/models/no-such-model:generateContent", HELLO), 404, "NOT_FOUND",
				"model_not_found: ");
		assertGoogleError(gemini("/v1beta/models/agents-mock:streamGenerateContent", HELLO), 400, "INVALID_ARGUMENT",
				"unsupported_parameter: ");
		assertGoogleError(gemini("/v1beta/models/agents-mock:generateContent", "{\"contents\":"), 400, "INVALID_ARGUMENT",
				"invalid_json: ");
		assertGoogleError(gemini("/v1beta/models/agents-openai:generateContent",
				"{\"cachedContent\":\"cachedContents/x\",\"contents\":[]}"), 400, "INVALID_ARGUMENT", "");
		PRIMARY.verify(0, postRequestedFor(anyUrl()));
	}

	private static void assertGoogleError(EntityExchangeResult<byte[]> result, int status, String googleStatus,
			String messageStart) {
		assertThat(result.getStatus().value()).as(new String(result.getResponseBody(), StandardCharsets.UTF_8))
			.isEqualTo(status);
		JsonNode error = MAPPER.readTree(result.getResponseBody()).path("error");
		assertThat(error.path("code").asInt()).isEqualTo(status);
		assertThat(error.path("status").asString()).isEqualTo(googleStatus);
		assertThat(error.path("message").asString()).startsWith(messageStart);
	}

	private EntityExchangeResult<byte[]> gemini(String path, String body) {
		return this.client.post()
			.uri(path)
			.header("x-goog-api-key", TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static List<JsonNode> chunks(EntityExchangeResult<byte[]> result) {
		List<JsonNode> chunks = new ArrayList<>();
		for (String line : new String(result.getResponseBody(), StandardCharsets.UTF_8).split("\r?\n")) {
			if (line.startsWith("data: ")) {
				chunks.add(MAPPER.readTree(line.substring(6)));
			}
		}
		return chunks;
	}

}
