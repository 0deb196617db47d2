package dev.switchboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
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

import dev.switchboard.testsupport.AnthropicFixtures;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The official Anthropic Java SDK and OpenAI Java SDK as real clients of the gateway, each against a provider of the
 * other format as well as its own: if the SDKs (including their stream accumulators, which check the event sequence)
 * can parse what the gateway sends, so can the applications built on them. The SDKs block, so every call runs on the
 * JUnit thread; their retries are off so that each call is one request.
 */
class AnthropicSdkIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private final List<AnthropicClient> anthropicClients = new ArrayList<>();

	private AnthropicClient anthropic;

	private OpenAIClient openAi;

	@BeforeEach
	void sdks() {
		this.anthropic = anthropic(TEAM_A_KEY);
		this.openAi = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(TEAM_A_KEY).maxRetries(0).build();
	}

	@AfterEach
	void closeSdks() {
		this.anthropicClients.forEach(AnthropicClient::close);
		this.openAi.close();
	}

	// ------------------------------------------------------------------ Anthropic SDK

	@Test
	void anthropicSdkPassesThroughToAnAnthropicProvider() {
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(AnthropicFixtures.message("claude-sonnet-4-20250514", "Hello from Claude"))));

		// the SDK's own anthropic-version (whatever its release sends) goes upstream as it is
		Message message = this.anthropic.messages().create(params("claude-only"));

		assertThat(message.content()).hasSize(1);
		assertThat(message.content().get(0).text()).hasValueSatisfying(text -> assertThat(text.text()).isEqualTo("Hello from Claude"));
		assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
		assertThat(message.usage().inputTokens()).isEqualTo(9);
		CLAUDE.verify(postRequestedFor(urlEqualTo(AnthropicFixtures.MESSAGES))
			.withHeader("x-api-key", equalTo(CLAUDE_PROVIDER_KEY))
			.withHeader("anthropic-version", matching("\\d{4}-\\d{2}-\\d{2}"))
			.withHeader("x-stainless-lang", equalTo("java")));
	}

	@Test
	void anthropicSdkGetsAnOpenAiProvidersAnswerAsAMessage() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "Hi from OpenAI"))));

		Message message = this.anthropic.messages().create(params("fast"));

		assertThat(message.content().get(0).text()).hasValueSatisfying(text -> assertThat(text.text()).isEqualTo("Hi from OpenAI"));
		assertThat(message.model().asString()).isEqualTo("gpt-4o-mini");
		assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
		assertThat(message.usage().inputTokens()).isEqualTo(5);
		assertThat(message.usage().outputTokens()).isEqualTo(2);
	}

	@Test
	void anthropicSdkStreamsParallelToolCallsFromAnOpenAiProviderArrivingInPieces() {
		String head = "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":";
		String stream = head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Checking.\"},\"finish_reason\":null}]}\n\n"
				+ head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_P\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n"
				+ head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\"\"}}]},\"finish_reason\":null}]}\n\n"
				+ head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\": \\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}\n\n"
				+ head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_R\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"loc\"}}]},\"finish_reason\":null}]}\n\n"
				+ head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"ation\\\": \\\"Rome\\\"}\"}}]},\"finish_reason\":null}]}\n\n"
				+ head + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
				+ head + "[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":20,\"total_tokens\":70,\"prompt_tokens_details\":{\"cached_tokens\":10}}}\n\n"
				+ "data: [DONE]\n\n";
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream)
			.withChunkedDribbleDelay(12, 200)));

		MessageAccumulator accumulator = MessageAccumulator.create();
		List<RawMessageStreamEvent> events = new ArrayList<>();
		try (StreamResponse<RawMessageStreamEvent> response = this.anthropic.messages().createStreaming(params("fast"))) {
			response.stream().forEach(event -> events.add(accumulator.accumulate(event)));
		}
		Message message = accumulator.message();

		assertThat(events.get(0).isMessageStart()).isTrue();
		assertThat(events.get(events.size() - 1).isMessageStop()).isTrue();
		assertThat(message.content()).extracting(ContentBlock::isText, ContentBlock::isToolUse)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(true, false), org.assertj.core.groups.Tuple.tuple(false, true),
					org.assertj.core.groups.Tuple.tuple(false, true));
		ToolUseBlock paris = message.content().get(1).toolUse().orElseThrow();
		ToolUseBlock rome = message.content().get(2).toolUse().orElseThrow();
		assertThat(paris.id()).isEqualTo("call_P");
		assertThat(paris._input().convert(Map.class)).isEqualTo(Map.of("location", "Paris"));
		assertThat(rome.id()).isEqualTo("call_R");
		assertThat(rome._input().convert(Map.class)).isEqualTo(Map.of("location", "Rome"));
		assertThat(message.stopReason()).hasValue(StopReason.TOOL_USE);
		assertThat(message.usage().outputTokens()).isEqualTo(20);
		assertThat(message.usage().inputTokens()).as("uncached input").isEqualTo(40);
		assertThat(message.usage().cacheReadInputTokens()).hasValue(10L);
	}

	@Test
	void anthropicSdkStreamsFromAnAnthropicProviderUntouched() {
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(AnthropicFixtures.stream("claude-sonnet-4", "Hel", "lo", "!"))
			.withChunkedDribbleDelay(6, 100)));

		MessageAccumulator accumulator = MessageAccumulator.create();
		try (StreamResponse<RawMessageStreamEvent> response = this.anthropic.messages().createStreaming(params("claude-only"))) {
			response.stream().forEach(accumulator::accumulate);
		}

		assertThat(accumulator.message().content().get(0).text().orElseThrow().text()).isEqualTo("Hello!");
	}

	@Test
	void anthropicSdkSeesAStreamCutMidwayAsAnError() {
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(AnthropicFixtures.messageStart("claude-sonnet-4") + AnthropicFixtures.textStart(0)
					+ AnthropicFixtures.textDelta(0, "Half"))));

		List<RawMessageStreamEvent> events = new ArrayList<>();
		AnthropicException failure = catchThrowableOfType(AnthropicException.class, () -> {
			try (StreamResponse<RawMessageStreamEvent> response = this.anthropic.messages().createStreaming(params("claude-only"))) {
				response.stream().forEach(events::add);
			}
		});

		assertThat(failure).as("the SDK raises the in-band error").isNotNull();
		assertThat(failure.getMessage()).contains("ended before it was complete");
		assertThat(events).as("what arrived before the error").isNotEmpty().noneMatch(RawMessageStreamEvent::isMessageStop);
	}

	@Test
	void anthropicSdkGetsGatewayErrorsAsTheMatchingExceptions() {
		NotFoundException notFound = catchThrowableOfType(NotFoundException.class,
				() -> this.anthropic.messages().create(params("no-such-model")));
		UnauthorizedException unauthorized = catchThrowableOfType(UnauthorizedException.class,
				() -> anthropic("sk-wrong").messages().create(params("fast")));
		BadRequestException badRequest = catchThrowableOfType(BadRequestException.class,
				() -> this.anthropic.messages().create(MessageCreateParams.builder().model("fast").maxTokens(10)
					.addUserMessage("Hi").putAdditionalBodyProperty("mcp_servers", com.anthropic.core.JsonValue.from(List.of()))
					.build()));

		assertThat(notFound.getMessage()).contains("model_not_found");
		assertThat(unauthorized.statusCode()).isEqualTo(401);
		assertThat(badRequest.getMessage()).contains("unsupported_parameter").contains("mcp_servers");
		assertThat(((AnthropicServiceException) badRequest).errorType()).isPresent();
		PRIMARY.verify(0, postRequestedFor(anyUrl()));
	}

	@Test
	void anthropicSdkCountsTokens() {
		long estimate = this.anthropic.messages()
			.countTokens(MessageCountTokensParams.builder().model("fast").addUserMessage("x".repeat(80)).build())
			.inputTokens();

		assertThat(estimate).as("80 characters and the role, four per token").isBetween(20L, 23L);
	}

	// ------------------------------------------------------------------ OpenAI SDK against an Anthropic provider

	@Test
	void openAiSdkGetsAnAnthropicProvidersAnswerAsAChatCompletion() {
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(AnthropicFixtures.message("claude-sonnet-4-20250514", "Hello from Claude"))));

		ChatCompletion completion = this.openAi.chat().completions().create(chatParams("claude-only"));

		assertThat(completion.choices().get(0).message().content()).hasValue("Hello from Claude");
		assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
		assertThat(completion.usage()).hasValueSatisfying(usage -> {
			assertThat(usage.promptTokens()).isEqualTo(12);
			assertThat(usage.completionTokens()).isEqualTo(4);
			assertThat(usage.totalTokens()).isEqualTo(16);
		});
	}

	@Test
	void openAiSdkStreamsParallelToolCallsFromAnAnthropicProviderWithUsage() {
		String stream = AnthropicFixtures.messageStart("claude-sonnet-4") + AnthropicFixtures.toolStart(0, "toolu_P", "get_weather")
				+ AnthropicFixtures.inputDelta(0, "") + AnthropicFixtures.inputDelta(0, "{\"loca")
				+ AnthropicFixtures.inputDelta(0, "tion\": \"Paris\"}") + AnthropicFixtures.blockStop(0)
				+ AnthropicFixtures.PING + AnthropicFixtures.toolStart(1, "toolu_R", "get_weather")
				+ AnthropicFixtures.inputDelta(1, "{\"location\": ") + AnthropicFixtures.inputDelta(1, "\"Rome\"}")
				+ AnthropicFixtures.blockStop(1) + AnthropicFixtures.messageDelta("tool_use", 33)
				+ AnthropicFixtures.MESSAGE_STOP;
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream)
			.withChunkedDribbleDelay(15, 200)));

		ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		try (var response = this.openAi.chat().completions().createStreaming(chatParams("claude-only").toBuilder()
			.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
			response.stream().forEach(chunk -> chunks.add(accumulator.accumulate(chunk)));
		}
		ChatCompletion completion = accumulator.chatCompletion();

		List<ChatCompletionMessageToolCall> calls = completion.choices().get(0).message().toolCalls().orElseThrow();
		assertThat(calls).hasSize(2);
		assertThat(calls.get(0).asFunction().id()).isEqualTo("toolu_P");
		assertThat(calls.get(0).asFunction().function().arguments()).isEqualTo("{\"location\": \"Paris\"}");
		assertThat(calls.get(1).asFunction().id()).isEqualTo("toolu_R");
		assertThat(calls.get(1).asFunction().function().arguments()).isEqualTo("{\"location\": \"Rome\"}");
		assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
		assertThat(chunks.get(chunks.size() - 1).usage()).as("the usage chunk, asked for")
			.hasValueSatisfying(usage -> assertThat(usage.completionTokens()).isEqualTo(33));
	}

	// ------------------------------------------------------------------ helpers

	private AnthropicClient anthropic(String key) {
		AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(baseUrl()).apiKey(key).maxRetries(0).build();
		this.anthropicClients.add(client);
		return client;
	}

	private static MessageCreateParams params(String model) {
		return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage("Hello").build();
	}

	private static ChatCompletionCreateParams chatParams(String model) {
		return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello").build();
	}

}
