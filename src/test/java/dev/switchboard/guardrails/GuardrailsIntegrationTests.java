package dev.switchboard.guardrails;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.AnthropicFixtures;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Guardrails through the HTTP surface, with the official SDKs in both wire formats and WebTestClient for the wire:
 * redaction and masking of requests and answers (JSON and streamed), blocking both ways, webhooks, the audit.
 * The routes {@code guarded*}, {@code policed*} and the {@code contractor} key of application-it.yaml carry them.
 */
@ExtendWith(OutputCaptureExtension.class)
class GuardrailsIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final String CONTRACTOR_KEY = "sk-contractor-0123456789";

	private final List<AutoCloseable> sdks = new ArrayList<>();

	@Autowired
	private MeterRegistry meters;

	@AfterEach
	void closeSdks() throws Exception {
		for (AutoCloseable sdk : this.sdks) {
			sdk.close();
		}
	}

	@Test
	void openAiSdkPromptIsRedactedAndMaskedUpstreamAndTheAnswerGetsTheOriginalsBack(CapturedOutput output) {
		String secret = Fixtures.awsAccessKeyId();
		PRIMARY.stubFor(post(CHAT).willReturn(json(OpenAiFixtures.completion("gpt-4o-mini", "I will mail [EMAIL_1] today."))));
		double before = hits("it-pii", "email", "mask");

		ChatCompletion completion = openAi().chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model("guarded")
				.addSystemMessage("You are terse.")
				.addUserMessage("My key is " + secret + ", mail jane.doe@example.com about it.")
				.build());

		String upstream = upstreamBody(PRIMARY);
		assertThat(upstream).doesNotContain(secret)
			.doesNotContain("jane.doe@example.com")
			.contains("My key is [REDACTED:aws-access-key-id], mail [EMAIL_1] about it.")
			.contains("\"You are terse.\"");
		assertThat(completion.choices().get(0).message().content()).hasValue("I will mail jane.doe@example.com today.");
		assertThat(hits("it-pii", "email", "mask")).isEqualTo(before + 1);
		assertThat(output.getOut()).contains("guardrail_hit").contains("guardrail=it-secrets rule=aws-access-key-id action=redact direction=request route=guarded")
			.doesNotContain(secret);
	}

	@Test
	void theRestOfTheRequestIsByteForByteAndTheHeaderListsTheRulesThatActed() {
		String secret = Fixtures.githubToken();
		PRIMARY.stubFor(post(CHAT).willReturn(json(OpenAiFixtures.completion("gpt-4o-mini", "ok"))));
		String body = "{ \"model\" : \"guarded\",\n  \"temperature\": 0.70,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"push with "
				+ secret + "\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,"
				+ Fixtures.base64(400, 5) + "\"}}]}], \"x-unknown\": {\"keep\": [1, 2.50]} }";

		EntityExchangeResult<byte[]> result = send(CHAT, TEAM_A_KEY, body);

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-guardrails"))
			.isEqualTo("it-secrets:github-token=redact");
		assertThat(upstreamBody(PRIMARY)).isEqualTo(body.replace("\"guarded\"", "\"gpt-4o-mini\"")
			.replace(secret, "[REDACTED:github-token]"));
	}

	@Test
	void anthropicSdkSystemAndToolResultAreRedactedAndTheAnswerRestored() {
		String token = Fixtures.githubToken();
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES)
			.willReturn(json(AnthropicFixtures.message("claude-sonnet-4", "Call [PHONE_1] or [EMAIL_2]."))));

		Message message = anthropic().messages()
			.create(MessageCreateParams.builder()
				.model("guarded-claude")
				.maxTokens(100)
				.system("Deploy token: " + token)
				.addUserMessage("Reach me at +1 415 555 0100.")
				.addAssistantMessage("Checking.")
				.addMessage(MessageParam.ofUserOfContentBlockParams(List.of(
						ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
							.toolUseId("toolu_1")
							.content("owner: ops@example.org")
							.build()),
						ContentBlockParam.ofText(TextBlockParam.builder().text("Thanks").build()))))
				.build());

		String upstream = upstreamBody(CLAUDE);
		assertThat(upstream).doesNotContain(token)
			.doesNotContain("415 555")
			.doesNotContain("ops@example.org")
			.contains("Deploy token: [REDACTED:github-token]")
			.contains("Reach me at [PHONE_1].")
			.contains("owner: [EMAIL_2]");
		assertThat(message.content().get(0).asText().text()).isEqualTo("Call +1 415 555 0100 or ops@example.org.");
	}

	@Test
	void aBlockedPromptNeverGoesUpstreamInEitherFormat() {
		com.openai.errors.BadRequestException openAiError = catchThrowableOfType(
				com.openai.errors.BadRequestException.class, () -> openAi().chat()
					.completions()
					.create(ChatCompletionCreateParams.builder()
						.model("guarded")
						.addUserMessage("Status of Project   Falcon?")
						.build()));
		assertThat(openAiError.statusCode()).isEqualTo(400);
		assertThat(openAiError.code()).hasValue("guardrail_blocked");
		assertThat(openAiError.getMessage()).contains("it-codenames").contains("keyword").doesNotContainIgnoringCase("falcon");

		com.anthropic.errors.BadRequestException anthropicError = catchThrowableOfType(
				com.anthropic.errors.BadRequestException.class, () -> anthropic().messages()
					.create(MessageCreateParams.builder()
						.model("guarded-claude")
						.maxTokens(10)
						.addUserMessage("this is INTERNAL ONLY")
						.build()));
		assertThat(anthropicError.statusCode()).isEqualTo(400);
		assertThat(anthropicError.getMessage()).contains("guardrail_blocked").contains("it-codenames")
			.doesNotContainIgnoringCase("internal only");
		assertThat(PRIMARY.getAllServeEvents()).isEmpty();
		assertThat(CLAUDE.getAllServeEvents()).isEmpty();
	}

	@Test
	void openAiSdkStreamHasASplitSecretRedactedAndASplitPlaceholderRestored() {
		String secret = Fixtures.githubToken();
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("gpt-4o-mini", "Token ", secret.substring(0, 9), secret.substring(9, 30),
					secret.substring(30), " is for [EM", "AIL_", "1]. Bye"))
			.withChunkedDribbleDelay(8, 80)));
		ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
			.model("guarded")
			.addUserMessage("Mail bob@example.net")
			.build();

		StringBuilder text = new StringBuilder();
		try (StreamResponse<ChatCompletionChunk> stream = openAi().chat().completions().createStreaming(params)) {
			stream.stream()
				.forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
		}

		assertThat(text.toString()).isEqualTo("Token [REDACTED:github-token] is for bob@example.net. Bye");
	}

	@Test
	void anthropicSdkStreamHasTheSplitSecretRedacted() {
		String secret = Fixtures.openAiKey();
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(AnthropicFixtures.stream("claude-sonnet-4", "key: ", secret.substring(0, 5), secret.substring(5, 40),
					secret.substring(40), " done"))));

		StringBuilder text = new StringBuilder();
		try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = anthropic().messages()
			.createStreaming(MessageCreateParams.builder().model("guarded-claude").maxTokens(50).addUserMessage("hi").build())) {
			stream.stream()
				.forEach(event -> event.contentBlockDelta()
					.ifPresent(delta -> delta.delta().text().ifPresent(t -> text.append(t.text()))));
		}

		assertThat(text.toString()).isEqualTo("key: [REDACTED:openai-api-key] done");
	}

	@Test
	void aBlockingResponseRuleTurnsAJsonAnswerIntoAnErrorAndEndsAStreamInBand() {
		String secret = Fixtures.githubToken();
		PRIMARY.stubFor(post(CHAT).willReturn(json(OpenAiFixtures.completion("gpt-4o-mini", "here: " + secret))));
		EntityExchangeResult<byte[]> blocked = send(CHAT, TEAM_A_KEY, chatBody("guarded-answers"));
		assertThat(blocked.getStatus().value()).isEqualTo(400);
		assertThat(text(blocked)).contains("\"code\":\"guardrail_blocked\"").contains("it-answer-block").doesNotContain(secret);

		PRIMARY.resetAll();
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("gpt-4o-mini", "fine so far. ", secret.substring(0, 12), secret.substring(12),
					" more text"))));
		EntityExchangeResult<byte[]> stream = send(CHAT, TEAM_A_KEY, streamBody("guarded-answers"));
		String events = text(stream);
		assertThat(stream.getStatus().value()).isEqualTo(200);
		assertThat(events).contains("fine so far. ")
			.doesNotContain(secret.substring(0, 12))
			.doesNotContain("more text")
			.doesNotContain("[DONE]")
			.doesNotContain("stream_interrupted")
			.endsWith("\"code\":\"guardrail_blocked\",\"param\":null}}\n\n");
	}

	@Test
	void aKeysGuardrailsAddToTheRoutes() {
		SECONDARY.stubFor(post(CHAT).willReturn(json(OpenAiFixtures.completion("llama", "ok"))));
		PRIMARY.stubFor(post(CHAT).willReturn(json(OpenAiFixtures.completion("gpt-4o-mini", "ok"))));
		EntityExchangeResult<byte[]> result = send(CHAT, CONTRACTOR_KEY,
				"{\"model\":\"guarded\",\"messages\":[{\"role\":\"user\",\"content\":\"EMP-123456 and jo@example.com\"}]}");
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(upstreamBody(PRIMARY)).contains("[REDACTED:employee-id] and [EMAIL_1]");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-guardrails"))
			.as("in the order they acted").isEqualTo("it-employee-ids:employee-id=redact, it-pii:email=mask");
	}

	@Test
	void responsesAndEmbeddingsInputsAreRedacted() {
		String secret = Fixtures.githubToken();
		PRIMARY.stubFor(post("/v1/responses").willReturn(json("{\"id\":\"resp_1\",\"object\":\"response\",\"output\":[]}")));
		PRIMARY.stubFor(post("/v1/embeddings").willReturn(json("{\"object\":\"list\",\"data\":[]}")));

		send("/v1/responses", TEAM_A_KEY, "{\"model\":\"guarded\",\"instructions\":\"use " + secret
				+ "\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"and " + secret + "\"}]}]}");
		send("/v1/embeddings", TEAM_A_KEY, "{\"model\":\"guarded\",\"input\":[\"a " + secret + "\", \"plain\"]}");

		List<LoggedRequest> requests = PRIMARY.findAll(postRequestedFor(urlEqualTo("/v1/responses")));
		assertThat(requests.get(0).getBodyAsString()).doesNotContain(secret)
			.contains("\"instructions\":\"use [REDACTED:github-token]\"")
			.contains("\"text\":\"and [REDACTED:github-token]\"");
		assertThat(PRIMARY.findAll(postRequestedFor(urlEqualTo("/v1/embeddings"))).get(0).getBodyAsString())
			.isEqualTo("{\"model\":\"gpt-4o-mini\",\"input\":[\"a [REDACTED:github-token]\", \"plain\"]}");
	}

	@Test
	void webhookAllowsBlocksAndRedacts() {
		PRIMARY.stubFor(post(CHAT).willReturn(json(OpenAiFixtures.completion("gpt-4o-mini", "ok"))));
		THIRD.stubFor(post("/policy").willReturn(json("{\"action\":\"allow\"}")));
		assertThat(send(CHAT, TEAM_A_KEY, chatBody("policed")).getStatus().value()).isEqualTo(200);
		String asked = THIRD.findAll(postRequestedFor(urlEqualTo("/policy"))).get(0).getBodyAsString();
		assertThat(asked).isEqualTo(
				"{\"direction\":\"request\",\"route\":\"policed\",\"key\":\"team-a\",\"model\":\"policed\",\"texts\":[\"Hello\"]}");

		THIRD.stubFor(post("/policy").willReturn(json("{\"action\":\"block\",\"reason\":\"off-topic\"}")));
		EntityExchangeResult<byte[]> blocked = send(CHAT, TEAM_A_KEY, chatBody("policed"));
		assertThat(blocked.getStatus().value()).isEqualTo(400);
		assertThat(text(blocked)).contains("guardrail_blocked").contains("'it-policy' (rule webhook): off-topic");

		THIRD.stubFor(post("/policy").willReturn(json("{\"action\":\"redact\",\"texts\":[\"Hi [name]\"]}")));
		PRIMARY.resetRequests();
		assertThat(send(CHAT, TEAM_A_KEY, chatBody("policed")).getStatus().value()).isEqualTo(200);
		assertThat(upstreamBody(PRIMARY)).contains("\"content\":\"Hi [name]\"");
	}

	@Test
	void webhookTimeoutFollowsOnError() {
		PRIMARY.stubFor(post(CHAT).willReturn(json(OpenAiFixtures.completion("gpt-4o-mini", "ok"))));
		THIRD.stubFor(post("/policy").willReturn(json("{\"action\":\"block\"}").withFixedDelay(1500)));

		assertThat(send(CHAT, TEAM_A_KEY, chatBody("policed")).getStatus().value()).as("on-error: allow").isEqualTo(200);
		EntityExchangeResult<byte[]> strict = send(CHAT, TEAM_A_KEY, chatBody("policed-strict"));
		assertThat(strict.getStatus().value()).as("on-error: block").isEqualTo(400);
		assertThat(text(strict)).contains("'it-policy-strict' (rule webhook-error)");

		THIRD.stubFor(post("/policy").willReturn(aResponse().withStatus(503)));
		assertThat(send(CHAT, TEAM_A_KEY, chatBody("policed-strict")).getStatus().value()).isEqualTo(400);
	}

	private double hits(String guardrail, String rule, String action) {
		var counter = this.meters.find(GuardrailAudit.HITS).tag("guardrail", guardrail).tag("rule", rule)
			.tag("action", action).tag("direction", "request").tag("route", "guarded").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private EntityExchangeResult<byte[]> send(String path, String key, String body) {
		return this.client.post()
			.uri(path)
			.header("Authorization", "Bearer " + key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static String text(EntityExchangeResult<byte[]> result) {
		return new String(result.getResponseBodyContent(), StandardCharsets.UTF_8);
	}

	private static String upstreamBody(com.github.tomakehurst.wiremock.WireMockServer server) {
		List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> events = server.getAllServeEvents();
		assertThat(events).as("upstream requests").isNotEmpty();
		return events.get(0).getRequest().getBodyAsString();
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
	}

	private OpenAIClient openAi() {
		OpenAIClient client = OpenAIOkHttpClient.builder()
			.baseUrl(baseUrl() + "/v1")
			.apiKey(TEAM_A_KEY)
			.maxRetries(0)
			.timeout(Duration.ofSeconds(20))
			.build();
		this.sdks.add(client::close);
		return client;
	}

	private AnthropicClient anthropic() {
		AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(baseUrl()).apiKey(TEAM_A_KEY).maxRetries(0).build();
		this.sdks.add(client::close);
		return client;
	}

}
