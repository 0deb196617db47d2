package dev.switchboard.agents;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.testsupport.AnthropicFixtures;
import dev.switchboard.testsupport.ClientTranscript;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The requests Claude Code, Codex CLI and Gemini CLI really send (captured, {@code src/test/resources/clients/}),
 * replayed with their headers and bodies through every provider type: the mock, an OpenAI provider, an Azure
 * OpenAI provider, an Anthropic provider and a Gemini provider (WireMock, each answering a stream in its own
 * format). Each client must get a whole stream in its own format carrying the provider's answer; a provider of the
 * client's own format must get the client's bytes.
 */
class ClientTranscriptsIntegrationTests extends GatewayIntegrationTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	static final ClientTranscript CLAUDE_CODE = ClientTranscript.load("claude-code-2.1.197.json");

	static final ClientTranscript CODEX = ClientTranscript.load("codex-cli-0.171.0.json");

	static final ClientTranscript GEMINI_CLI = ClientTranscript.load("gemini-cli-0.61.0.json");

	/** The provider types, by the alias of a route with one target of that type. */
	enum Upstream {

		MOCK("agents-mock"), OPENAI("agents-openai"), AZURE("agents-azure"), ANTHROPIC("claude-only"), GEMINI("gemini-only");

		final String alias;

		Upstream(String alias) {
			this.alias = alias;
		}

	}

	static Stream<Arguments> everyClientOnEveryProviderType() {
		List<Arguments> cases = new ArrayList<>();
		for (ClientTranscript transcript : List.of(CLAUDE_CODE, CODEX, GEMINI_CLI)) {
			for (Upstream upstream : Upstream.values()) {
				cases.add(Arguments.of(transcript, upstream));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} through {1}")
	@MethodSource("everyClientOnEveryProviderType")
	void theClientGetsTheProvidersAnswerAsAWholeStreamInItsOwnFormat(ClientTranscript transcript, Upstream upstream) {
		String answer = "Hello from " + upstream.name().toLowerCase();
		stub(upstream, answer);

		EntityExchangeResult<byte[]> result = replay(transcript, upstream.alias);

		assertThat(result.getStatus().value()).as(text(result)).isEqualTo(200);
		assertThat(result.getResponseHeaders().getContentType().toString()).startsWith("text/event-stream");
		String text = answerText(transcript, result);
		if (upstream == Upstream.MOCK) {
			assertThat(text).as("the mock's answer").isNotBlank();
		}
		else {
			assertThat(text).isEqualTo(answer);
		}
		if (sameFormat(transcript, upstream)) {
			assertThat(result.getResponseHeaders().getFirst("x-switchboard-dropped-params"))
				.as("a passthrough drops nothing").isNull();
			WireMockServer server = server(upstream);
			server.verify(postRequestedFor(anyUrl()).withRequestBody(equalTo(upstreamBody(transcript, upstream))));
		}
	}

	/** What Claude Code routinely sends (thinking, context management, effort) is named, never refused. */
	@ParameterizedTest(name = "Claude Code through {0}")
	@MethodSource("translatedUpstreamsOfClaudeCode")
	void claudeCodesRoutineFieldsAreNamedAsDropped(Upstream upstream) {
		stub(upstream, "ok");

		EntityExchangeResult<byte[]> result = replay(CLAUDE_CODE, upstream.alias);

		assertThat(result.getResponseHeaders().getFirst("x-switchboard-dropped-params")).contains("context_management",
				"output_config.effort", "system.cache_control", "messages.content.cache_control");
	}

	static Stream<Upstream> translatedUpstreamsOfClaudeCode() {
		return Stream.of(Upstream.OPENAI, Upstream.AZURE, Upstream.GEMINI);
	}

	@org.junit.jupiter.api.Test
	void claudeCodesBetaHeaderAndVersionReachAnAnthropicProviderButNoOther() {
		stub(Upstream.ANTHROPIC, "ok");
		stub(Upstream.OPENAI, "ok");

		replay(CLAUDE_CODE, Upstream.ANTHROPIC.alias);
		replay(CLAUDE_CODE, Upstream.OPENAI.alias);

		CLAUDE.verify(postRequestedFor(urlEqualTo("/v1/messages"))
			.withHeader("anthropic-beta", equalTo(CLAUDE_CODE.headers().get("anthropic-beta")))
			.withHeader("anthropic-version", equalTo("2023-06-01"))
			.withHeader("x-api-key", equalTo(CLAUDE_PROVIDER_KEY)));
		PRIMARY.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withHeader("anthropic-beta", com.github.tomakehurst.wiremock.client.WireMock.absent())
			.withHeader("x-api-key", com.github.tomakehurst.wiremock.client.WireMock.absent()));
	}

	private EntityExchangeResult<byte[]> replay(ClientTranscript transcript, String model) {
		WebTestClient.RequestBodySpec request = this.client.post().uri(transcript.pathFor(model));
		transcript.headers().forEach((name, value) -> {
			if (!name.equalsIgnoreCase("content-type")) {
				request.header(name, value.equals(ClientTranscript.KEY_PLACEHOLDER)
						? (name.equalsIgnoreCase("authorization") ? "Bearer " + TEAM_A_KEY : TEAM_A_KEY) : value);
			}
		});
		return request.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(transcript.bodyFor(model))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static boolean sameFormat(ClientTranscript transcript, Upstream upstream) {
		return (transcript == CLAUDE_CODE && upstream == Upstream.ANTHROPIC)
				|| (transcript == CODEX && (upstream == Upstream.OPENAI || upstream == Upstream.AZURE))
				|| (transcript == GEMINI_CLI && upstream == Upstream.GEMINI);
	}

	/** The client's body with only the model replaced by the target's. */
	private static String upstreamBody(ClientTranscript transcript, Upstream upstream) {
		String sent = transcript.bodyFor(upstream.alias);
		return switch (upstream) {
			case ANTHROPIC -> sent.replace("\"model\":\"claude-only\"", "\"model\":\"claude-sonnet-4\"");
			case OPENAI -> sent.replace("\"model\":\"agents-openai\"", "\"model\":\"gpt-4.1\"");
			case AZURE -> sent.replace("\"model\":\"agents-azure\"", "\"model\":\"gpt-4o\"");
			default -> sent;
		};
	}

	private static WireMockServer server(Upstream upstream) {
		return switch (upstream) {
			case OPENAI -> PRIMARY;
			case AZURE -> THIRD;
			case ANTHROPIC -> CLAUDE;
			case GEMINI -> GEMINI;
			case MOCK -> throw new IllegalArgumentException("the mock has no server");
		};
	}

	/** Every provider answers chat, and those that a client reaches untranslated their own endpoint, as a stream. */
	private static void stub(Upstream upstream, String answer) {
		String half = answer.substring(0, answer.length() / 2);
		String rest = answer.substring(answer.length() / 2);
		switch (upstream) {
			case OPENAI -> {
				PRIMARY.stubFor(post("/v1/chat/completions").willReturn(events(OpenAiFixtures.stream("gpt-4.1", half, rest))));
				PRIMARY.stubFor(post("/v1/responses").willReturn(events(responsesStream(half, rest))));
			}
			case AZURE -> {
				THIRD.stubFor(post("/openai/v1/chat/completions").willReturn(events(OpenAiFixtures.stream("gpt-4o", half, rest))));
				THIRD.stubFor(post("/openai/v1/responses").willReturn(events(responsesStream(half, rest))));
			}
			case ANTHROPIC -> CLAUDE.stubFor(post("/v1/messages").willReturn(events(AnthropicFixtures.stream("claude-sonnet-4", half, rest))));
			case GEMINI -> GEMINI.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
				.willReturn(events("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"" + half
						+ "\"}]},\"index\":0}]}\r\n\r\ndata: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
						+ "[{\"text\":\"" + rest + "\"}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":"
						+ "{\"promptTokenCount\":9,\"candidatesTokenCount\":4,\"totalTokenCount\":13}}\r\n\r\n")));
			case MOCK -> {
				// answers in the gateway
			}
		}
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder events(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body)
			.withChunkedDribbleDelay(4, 20);
	}

	/** A minimal Responses API stream, as OpenAI sends it, with the text in two deltas. */
	private static String responsesStream(String half, String rest) {
		String item = "{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":"
				+ "[{\"type\":\"output_text\",\"text\":\"" + half + rest + "\",\"annotations\":[]}]}";
		return "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":"
				+ "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
				+ delta(1, half) + delta(2, rest)
				+ "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"sequence_number\":3,"
				+ "\"output_index\":0,\"item\":" + item + "}\n\n"
				+ "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":4,\"response\":"
				+ "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"output\":[" + item + "]}}\n\n";
	}

	private static String delta(int sequence, String text) {
		return "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":"
				+ sequence + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + text + "\"}\n\n";
	}

	/** The answer's text as the client reads it, checking the stream ends with the format's terminal event. */
	private static String answerText(ClientTranscript transcript, EntityExchangeResult<byte[]> result) {
		List<JsonNode> events = new ArrayList<>();
		for (String line : text(result).split("\r?\n")) {
			if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
				events.add(MAPPER.readTree(line.substring(6)));
			}
		}
		assertThat(events).as(text(result)).isNotEmpty();
		StringBuilder text = new StringBuilder();
		JsonNode last = events.get(events.size() - 1);
		if (transcript == CLAUDE_CODE) {
			assertThat(last.path("type").asString()).isEqualTo("message_stop");
			events.stream().filter(event -> event.path("delta").path("type").asString("").equals("text_delta"))
				.forEach(event -> text.append(event.path("delta").path("text").asString()));
		}
		else if (transcript == CODEX) {
			assertThat(last.path("type").asString()).isEqualTo("response.completed");
			events.stream().filter(event -> event.path("type").asString().equals("response.output_text.delta"))
				.forEach(event -> text.append(event.path("delta").asString()));
		}
		else {
			assertThat(last.path("candidates").get(0).path("finishReason").asString()).isEqualTo("STOP");
			events.forEach(event -> event.path("candidates").get(0).path("content").path("parts")
				.forEach(part -> text.append(part.path("thought").asBoolean(false) ? "" : part.path("text").asString(""))));
		}
		return text.toString();
	}

	private static String text(EntityExchangeResult<byte[]> result) {
		byte[] body = result.getResponseBody();
		return (body != null) ? new String(body, StandardCharsets.UTF_8) : "";
	}

}
