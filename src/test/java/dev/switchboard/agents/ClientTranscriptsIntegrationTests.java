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

import dev.switchboard.testsupport.AgentUpstreams;
import dev.switchboard.testsupport.AgentUpstreams.Type;
import dev.switchboard.testsupport.ClientTranscript;
import dev.switchboard.testsupport.GatewayIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The requests Claude Code, Codex CLI and Gemini CLI really send (captured, {@code src/test/resources/clients/}),
 * both a first turn and the turn that sends a tool's result back, replayed with their headers and bodies through every
 * provider type: the mock, an OpenAI provider, an Azure
 * OpenAI provider, an Anthropic provider and a Gemini provider (WireMock, each answering a stream in its own
 * format). Each client must get a whole stream in its own format carrying the provider's answer; a provider of the
 * client's own format must get the client's bytes.
 */
class ClientTranscriptsIntegrationTests extends GatewayIntegrationTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	static final ClientTranscript CLAUDE_CODE = ClientTranscript.load("claude-code-2.1.197.json");

	static final ClientTranscript CODEX = ClientTranscript.load("codex-cli-0.171.0.json");

	static final ClientTranscript GEMINI_CLI = ClientTranscript.load("gemini-cli-0.61.0.json");

	/** The second turns: each agent sends its tool's result after the model called a tool. */
	static final List<ClientTranscript> TOOL_RESULTS = List.of(
			ClientTranscript.load("claude-code-2.1.197-tool-result.json"),
			ClientTranscript.load("codex-cli-0.171.0-tool-result.json"),
			ClientTranscript.load("gemini-cli-0.61.0-tool-result.json"));

	static Stream<Arguments> everyClientOnEveryProviderType() {
		List<Arguments> cases = new ArrayList<>();
		List<ClientTranscript> transcripts = new ArrayList<>(List.of(CLAUDE_CODE, CODEX, GEMINI_CLI));
		transcripts.addAll(TOOL_RESULTS);
		for (ClientTranscript transcript : transcripts) {
			for (Type upstream : Type.values()) {
				cases.add(Arguments.of(transcript, upstream));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} through {1}")
	@MethodSource("everyClientOnEveryProviderType")
	void theClientGetsTheProvidersAnswerAsAWholeStreamInItsOwnFormat(ClientTranscript transcript, Type upstream) {
		String answer = "Hello from " + upstream.name().toLowerCase();
		AgentUpstreams.answer(upstream, answer);

		EntityExchangeResult<byte[]> result = replay(transcript, upstream.alias());

		assertThat(result.getStatus().value()).as(text(result)).isEqualTo(200);
		assertThat(result.getResponseHeaders().getContentType().toString()).startsWith("text/event-stream");
		String text = answerText(transcript, result);
		if (upstream == Type.MOCK) {
			assertThat(text).as("the mock's answer").isNotBlank();
		}
		else {
			assertThat(text).isEqualTo(answer);
		}
		if (sameFormat(transcript, upstream)) {
			assertThat(result.getResponseHeaders().getFirst("x-switchboard-dropped-params"))
				.as("a passthrough drops nothing").isNull();
			WireMockServer server = AgentUpstreams.server(upstream);
			server.verify(postRequestedFor(anyUrl()).withRequestBody(equalTo(upstreamBody(transcript, upstream))));
		}
		else if (TOOL_RESULTS.contains(transcript) && upstream != Type.MOCK) {
			String sent = AgentUpstreams.server(upstream).getAllServeEvents().get(0).getRequest().getBodyAsString();
			assertThat(sent).as("the tool's result reaches the provider in its own shape").contains(switch (upstream) {
				case ANTHROPIC -> "\"tool_result\"";
				case GEMINI -> "\"functionResponse\"";
				default -> "\"role\":\"tool\"";
			});
		}
	}

	/** What Claude Code routinely sends (thinking, context management, effort) is named, never refused. */
	@ParameterizedTest(name = "Claude Code through {0}")
	@MethodSource("translatedUpstreamsOfClaudeCode")
	void claudeCodesRoutineFieldsAreNamedAsDropped(Type upstream) {
		AgentUpstreams.answer(upstream, "ok");

		EntityExchangeResult<byte[]> result = replay(CLAUDE_CODE, upstream.alias());

		assertThat(result.getResponseHeaders().getFirst("x-switchboard-dropped-params")).contains("context_management",
				"output_config.effort", "system.cache_control", "messages.content.cache_control");
	}

	static Stream<Type> translatedUpstreamsOfClaudeCode() {
		return Stream.of(Type.OPENAI, Type.AZURE, Type.GEMINI);
	}

	@org.junit.jupiter.api.Test
	void claudeCodesBetaHeaderAndVersionReachAnAnthropicProviderButNoOther() {
		AgentUpstreams.answer(Type.ANTHROPIC, "ok");
		AgentUpstreams.answer(Type.OPENAI, "ok");

		replay(CLAUDE_CODE, Type.ANTHROPIC.alias());
		replay(CLAUDE_CODE, Type.OPENAI.alias());

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

	private static boolean sameFormat(ClientTranscript transcript, Type upstream) {
		return switch (transcript.client()) {
			case "Claude Code" -> upstream == Type.ANTHROPIC;
			case "Codex CLI" -> upstream == Type.OPENAI || upstream == Type.AZURE;
			default -> upstream == Type.GEMINI;
		};
	}

	/** The client's body with only the model replaced by the target's. */
	private static String upstreamBody(ClientTranscript transcript, Type upstream) {
		return transcript.bodyFor(upstream.alias())
			.replace("\"model\":\"" + upstream.alias() + "\"", "\"model\":\"" + upstream.model() + "\"");
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
		if (transcript.client().equals(CLAUDE_CODE.client())) {
			assertThat(last.path("type").asString()).isEqualTo("message_stop");
			events.stream().filter(event -> event.path("delta").path("type").asString("").equals("text_delta"))
				.forEach(event -> text.append(event.path("delta").path("text").asString()));
		}
		else if (transcript.client().equals(CODEX.client())) {
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
