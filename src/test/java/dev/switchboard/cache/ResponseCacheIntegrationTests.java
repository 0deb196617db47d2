package dev.switchboard.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.AnthropicFixtures;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response cache through HTTP, with the official SDKs as clients where they parse what the gateway sends: hits,
 * streams replayed byte for byte, one form served from the other, the request's Cache-Control, what is not stored,
 * per-key answers and expiry. Every test sends a prompt of its own, since the cache lives as long as the shared
 * gateway.
 */
class ResponseCacheIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	/** An upstream request that asks for a stream. */
	static final StringValuePattern STREAMING = matchingJsonPath("$[?(@.stream == true)]");

	private final List<AutoCloseable> sdks = new ArrayList<>();

	private OpenAIClient openAi;

	@Autowired
	private MeterRegistry meters;

	@BeforeEach
	void sdk() {
		this.openAi = OpenAIOkHttpClient.builder()
			.baseUrl(baseUrl() + "/v1")
			.apiKey(TEAM_A_KEY)
			.maxRetries(0)
			.timeout(Duration.ofSeconds(20))
			.build();
		this.sdks.add(this.openAi::close);
	}

	@AfterEach
	void closeSdks() throws Exception {
		for (AutoCloseable sdk : this.sdks) {
			sdk.close();
		}
	}

	@Test
	void theSecondIdenticalRequestIsAHitAndTheProviderSawOneRequest() {
		stubJson("Cached hello");
		ChatCompletionCreateParams params = chat("cached", prompt());

		HttpResponseFor<ChatCompletion> first = this.openAi.chat().completions().withRawResponse().create(params);
		HttpResponseFor<ChatCompletion> second = this.openAi.chat().completions().withRawResponse().create(params);

		assertThat(first.headers().values("x-switchboard-cache")).containsExactly("miss");
		assertThat(second.headers().values("x-switchboard-cache")).containsExactly("hit");
		assertThat(second.headers().values("age")).as("seconds since it was stored").containsExactly("0");
		assertThat(second.parse().choices().get(0).message().content()).hasValue("Cached hello");
		assertThat(second.parse().usage()).as("the original answer's usage")
			.hasValueSatisfying(usage -> assertThat(usage.totalTokens()).isEqualTo(7));
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		assertThat(this.meters.get("switchboard.cache.requests").tag("route", "cached").tag("result", "hit").counter()
			.count()).isPositive();
	}

	@Test
	void aHitCostsNothingAndCountsWhatItSaved() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "Priced once"))));
		String body = chatBody("cached-priced", prompt());

		EntityExchangeResult<byte[]> first = send(body, null);
		EntityExchangeResult<byte[]> hit = send(body, null);

		assertThat(first.getResponseHeaders().getFirst("x-switchboard-cost-usd")).as("gpt-4o-mini is priced")
			.isNotEqualTo("0.000000");
		assertThat(hit.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(hit.getResponseHeaders().getFirst("x-switchboard-cost-usd")).isEqualTo("0.000000");
		assertThat(this.meters.get("switchboard.cache.saved.usd").tag("route", "cached-priced").counter().count())
			.as("the first answer's cost").isPositive();
		assertThat(this.meters.get("switchboard.cache.saved.tokens").tag("route", "cached-priced").tag("type", "output")
			.counter().count()).isEqualTo(2);
	}

	@Test
	void aStreamedHitIsByteForByteTheFirstBodyAndParsesInTheSdk() {
		stubStream(OpenAiFixtures.stream("c-model", "Str", "eam", "ed ", "once"));
		String body = streamBody("cached", prompt());

		EntityExchangeResult<byte[]> first = send(body, null);
		EntityExchangeResult<byte[]> second = send(body, null);

		assertThat(first.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		assertThat(second.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(second.getResponseHeaders().getContentType().toString()).startsWith("text/event-stream");
		assertThat(second.getResponseBody()).as("byte for byte").isEqualTo(first.getResponseBody());
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void aJsonRequestIsServedFromAStoredStream() {
		stubStream(OpenAiFixtures.stream("c-model", "From ", "a ", "stream"));
		String text = prompt();
		List<ChatCompletionChunk> chunks;
		try (StreamResponse<ChatCompletionChunk> stream = this.openAi.chat().completions().createStreaming(chat("cached", text))) {
			chunks = stream.stream().toList();
		}
		assertThat(chunks).isNotEmpty();

		HttpResponseFor<ChatCompletion> whole = this.openAi.chat().completions().withRawResponse().create(chat("cached", text));

		assertThat(whole.headers().values("x-switchboard-cache")).containsExactly("hit");
		assertThat(whole.parse().choices().get(0).message().content()).hasValue("From a stream");
		assertThat(whole.parse().choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void aStreamingRequestIsServedFromAStoredJsonAnswer() {
		stubJson("Whole then streamed");
		String text = prompt();
		this.openAi.chat().completions().create(chat("cached", text));

		List<ChatCompletionChunk> chunks;
		try (StreamResponse<ChatCompletionChunk> stream = this.openAi.chat().completions().createStreaming(chat("cached", text))) {
			chunks = stream.stream().toList();
		}

		StringBuilder streamed = new StringBuilder();
		chunks.forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(streamed::append)));
		assertThat(streamed).hasToString("Whole then streamed");
		assertThat(chunks).filteredOn(chunk -> chunk.choices().stream().anyMatch(c -> c.finishReason().isPresent()))
			.hasSize(1);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void withStreamsFromJsonOffAStreamMissesAStoredJsonAnswerAndTheProvidersStreamThenServesBothForms() {
		String events = OpenAiFixtures.stream("c-model", "The ", "provider's ", "own ", "chunks");
		stubJsonAndStream("Whole first", events);
		String text = prompt();
		String stream = streamBody("cached-streams", text);

		EntityExchangeResult<byte[]> json = send(chatBody("cached-streams", text), null);
		EntityExchangeResult<byte[]> upstream = send(stream, null);
		EntityExchangeResult<byte[]> replayed = send(stream, null);
		HttpResponseFor<ChatCompletion> assembled = this.openAi.chat().completions().withRawResponse()
			.create(chat("cached-streams", text));

		assertThat(json.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		assertThat(upstream.getResponseHeaders().getFirst("x-switchboard-cache")).as("a stored JSON answer is not told as a stream")
			.isEqualTo("miss");
		assertThat(new String(upstream.getResponseBody(), StandardCharsets.UTF_8))
			.as("the provider's whole stream").isEqualTo(events);
		assertThat(replayed.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(replayed.getResponseBody()).as("byte for byte the stream that replaced the JSON answer")
			.isEqualTo(upstream.getResponseBody());
		assertThat(assembled.headers().values("x-switchboard-cache")).containsExactly("hit");
		assertThat(assembled.parse().choices().get(0).message().content()).as("assembled from the stored stream")
			.hasValue("The provider's own chunks");
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(STREAMING));
	}

	@Test
	void withStreamsFromJsonOffANoCacheJsonAnswerStillReplacesAStoredStream() {
		stubJsonAndStream("Fresh and whole", OpenAiFixtures.stream("c-model", "Stored ", "first"));
		String text = prompt();
		String stream = streamBody("cached-streams", text);
		String json = chatBody("cached-streams", text);

		send(stream, null);
		EntityExchangeResult<byte[]> fresh = send(json, "no-cache");
		EntityExchangeResult<byte[]> hit = send(json, null);
		EntityExchangeResult<byte[]> streamAgain = send(stream, null);

		assertThat(fresh.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("bypass");
		assertThat(hit.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(new String(hit.getResponseBody(), StandardCharsets.UTF_8)).as("the fresh answer, as no-cache asked")
			.contains("Fresh and whole");
		assertThat(streamAgain.getResponseHeaders().getFirst("x-switchboard-cache")).as("only JSON is stored now")
			.isEqualTo("miss");
		PRIMARY.verify(3, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void withTheDefaultAStreamIsToldFromAStoredJsonAnswerEvenWhenTheProviderWouldStream() {
		stubJsonAndStream("Told as a stream", OpenAiFixtures.stream("c-model", "Never ", "asked"));
		String text = prompt();

		send(chatBody("cached", text), null);
		EntityExchangeResult<byte[]> told = send(streamBody("cached", text), null);

		assertThat(told.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(new String(told.getResponseBody(), StandardCharsets.UTF_8))
			.contains("Told as a stream").doesNotContain("Never");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void anthropicClientsGetHitsAndStreamsInTheirOwnFormat() {
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(AnthropicFixtures.message("claude-sonnet-4", "Bonjour from cache"))));
		AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(baseUrl()).apiKey(TEAM_A_KEY).maxRetries(0).build();
		this.sdks.add(anthropic::close);
		MessageCreateParams params = MessageCreateParams.builder().model("cached-claude").maxTokens(64)
			.addUserMessage(prompt()).build();

		Message first = anthropic.messages().create(params);
		Message second = anthropic.messages().create(params);
		MessageAccumulator accumulator = MessageAccumulator.create();
		try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
			stream.stream().forEach(accumulator::accumulate);
		}

		assertThat(second.content().get(0).asText().text()).isEqualTo(first.content().get(0).asText().text())
			.isEqualTo("Bonjour from cache");
		assertThat(accumulator.message().content().get(0).asText().text()).as("the stored answer as a stream")
			.isEqualTo("Bonjour from cache");
		assertThat(accumulator.message().stopReason()).hasValueSatisfying(
				reason -> assertThat(reason.asString()).isEqualTo("end_turn"));
		CLAUDE.verify(1, postRequestedFor(urlEqualTo(AnthropicFixtures.MESSAGES)));
	}

	@Test
	void anAnthropicStreamIsReplayedByteForByteAndServedAsAMessage() {
		String events = AnthropicFixtures.stream("claude-sonnet-4", "Streamed ", "once");
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(events)));
		AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(baseUrl()).apiKey(TEAM_A_KEY).maxRetries(0).build();
		this.sdks.add(anthropic::close);
		String text = prompt();
		String stream = "{\"model\":\"cached-claude\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\","
				+ "\"content\":\"" + text + "\"}]}";

		EntityExchangeResult<byte[]> first = this.client.post().uri(AnthropicFixtures.MESSAGES)
			.header("x-api-key", TEAM_A_KEY).contentType(MediaType.APPLICATION_JSON).bodyValue(stream)
			.exchange().expectBody().returnResult();
		EntityExchangeResult<byte[]> second = this.client.post().uri(AnthropicFixtures.MESSAGES)
			.header("x-api-key", TEAM_A_KEY).contentType(MediaType.APPLICATION_JSON).bodyValue(stream)
			.exchange().expectBody().returnResult();
		Message whole = anthropic.messages().create(MessageCreateParams.builder().model("cached-claude").maxTokens(64)
			.addUserMessage(text).build());

		assertThat(second.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(second.getResponseBody()).as("byte for byte").isEqualTo(first.getResponseBody());
		assertThat(whole.content().get(0).asText().text()).isEqualTo("Streamed once");
		assertThat(whole.stopReason()).hasValueSatisfying(reason -> assertThat(reason.asString()).isEqualTo("end_turn"));
		CLAUDE.verify(1, postRequestedFor(urlEqualTo(AnthropicFixtures.MESSAGES)));
	}

	@Test
	void noCacheSkipsTheLookupButStoresAndNoStoreDoesNeither() {
		stubJson("Fresh");
		String body = chatBody("cached", prompt());

		EntityExchangeResult<byte[]> stored = send(body, null);
		EntityExchangeResult<byte[]> fresh = send(body, "no-cache");
		EntityExchangeResult<byte[]> hit = send(body, null);
		String other = chatBody("cached", prompt());
		EntityExchangeResult<byte[]> unstored = send(other, "no-store");
		EntityExchangeResult<byte[]> missed = send(other, null);

		assertThat(stored.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		assertThat(fresh.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("bypass");
		assertThat(hit.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(unstored.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("bypass");
		assertThat(missed.getResponseHeaders().getFirst("x-switchboard-cache")).as("no-store kept nothing")
			.isEqualTo("miss");
		PRIMARY.verify(4, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void aCutStreamAnErrorAndAnInBandErrorAreNotStored() {
		String cut = streamBody("cached", prompt());
		stubStream(OpenAiFixtures.chunkEvent("c-model", "no end"));
		send(cut, null);
		send(cut, null);
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));

		PRIMARY.resetRequests();
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.error("bad", "invalid_request_error", "bad"))));
		String failing = chatBody("cached", prompt());
		assertThat(send(failing, null).getStatus().value()).isEqualTo(400);
		send(failing, null);
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));

		PRIMARY.resetRequests();
		stubStream(OpenAiFixtures.chunkEvent("c-model", "half")
				+ "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n" + OpenAiFixtures.DONE_EVENT);
		String inBand = streamBody("cached", prompt());
		send(inBand, null);
		EntityExchangeResult<byte[]> again = send(inBand, null);
		assertThat(again.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void anAnswerWhoseMaskedValuesTheGuardrailsRestoredIsNotStoredJsonOrStreamed() {
		String mail = "ada" + System.nanoTime() + "@example.com";
		String body = chatBody("cached-guarded", "Mail " + mail + " today");
		String stream = streamBody("cached-guarded", "Write to " + mail + " now");
		String plain = chatBody("cached-guarded", prompt());
		stubJson("I will mail [EMAIL_1] today.");

		EntityExchangeResult<byte[]> restored = send(body, null);
		EntityExchangeResult<byte[]> again = send(body, null);
		send(plain, null);
		EntityExchangeResult<byte[]> plainAgain = send(plain, null);
		stubStream(OpenAiFixtures.stream("c-model", "Writing to ", "[EMAIL_1]", " now"));
		EntityExchangeResult<byte[]> streamed = send(stream, null);
		EntityExchangeResult<byte[]> streamedAgain = send(stream, null);

		assertThat(new String(restored.getResponseBody())).as("the guardrail restored the address").contains(mail);
		assertThat(again.getResponseHeaders().getFirst("x-switchboard-cache")).as("not stored").isEqualTo("miss");
		assertThat(plainAgain.getResponseHeaders().getFirst("x-switchboard-cache")).as("nothing restored: stored")
			.isEqualTo("hit");
		assertThat(new String(streamed.getResponseBody())).contains(mail);
		assertThat(streamedAgain.getResponseHeaders().getFirst("x-switchboard-cache")).as("a stream neither")
			.isEqualTo("miss");
	}

	@Test
	void withSharedFalseEachGatewayKeyHasItsOwnAnswers() {
		stubJson("Per key");
		String body = chatBody("cached-per-key", prompt());

		EntityExchangeResult<byte[]> teamA = send(body, null);
		EntityExchangeResult<byte[]> admin = this.client.post().uri(CHAT).header("Authorization", "Bearer " + ADMIN_KEY)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectBody().returnResult();
		EntityExchangeResult<byte[]> teamAAgain = send(body, null);

		assertThat(teamA.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		assertThat(admin.getResponseHeaders().getFirst("x-switchboard-cache")).as("another key's answer is not shared")
			.isEqualTo("miss");
		assertThat(teamAAgain.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void anAnswerExpiresAfterItsRoutesTtl() throws InterruptedException {
		stubJson("Short lived");
		String body = chatBody("cached-short", prompt());

		send(body, null);
		assertThat(send(body, null).getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		Thread.sleep(1300);
		assertThat(send(body, null).getResponseHeaders().getFirst("x-switchboard-cache")).as("after the 1 s ttl")
			.isEqualTo("miss");
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void embeddingsAndResponsesAnswersAreCachedToo() {
		PRIMARY.stubFor(post("/v1/embeddings").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,0.2]}],"
					+ "\"model\":\"c-model\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}")));
		PRIMARY.stubFor(post("/v1/responses").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"output\":[],"
					+ "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}")));
		String embedding = "{\"model\":\"cached\",\"input\":\"" + prompt() + "\"}";
		String response = "{\"model\":\"cached\",\"input\":\"" + prompt() + "\"}";

		sendTo("/v1/embeddings", embedding);
		sendTo("/v1/responses", response);

		assertThat(sendTo("/v1/embeddings", embedding).getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(sendTo("/v1/responses", response).getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo("/v1/embeddings")));
		PRIMARY.verify(1, postRequestedFor(urlEqualTo("/v1/responses")));
	}

	private EntityExchangeResult<byte[]> sendTo(String path, String body) {
		return this.client.post()
			.uri(path)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	@Test
	void hitsAreServedWithoutTheUpstreamAndTheirLatencyIsLogged() {
		stubJson("Timed");
		String body = chatBody("cached", prompt());
		send(body, null);
		double[] gateway = new double[200];
		for (int i = 0; i < gateway.length; i++) {
			EntityExchangeResult<byte[]> hit = send(body, null);
			assertThat(hit.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
			gateway[i] = Double.parseDouble(hit.getResponseHeaders().getFirst("x-switchboard-overhead-ms"));
		}
		// the last 100, after the JIT has seen the path
		double[] warm = java.util.Arrays.copyOfRange(gateway, 100, gateway.length);
		java.util.Arrays.sort(warm);
		System.out.println("cache hits, sequential, arrival to commit in the gateway (x-switchboard-overhead-ms): p50 "
				+ warm[warm.length / 2] + " ms, p90 " + warm[warm.length * 9 / 10] + " ms");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void theCanonicalFormIgnoresKeyOrderNumberSpellingAndStreamOptions() {
		stubJson("Canonical");
		String text = prompt();
		send("{\"model\":\"cached\",\"temperature\":0.5,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}", null);

		EntityExchangeResult<byte[]> reordered = send("{\"messages\":[{\"content\":\"" + text
				+ "\",\"role\":\"user\"}],\"temperature\":0.50,\"model\":\"cached\"}", null);
		EntityExchangeResult<byte[]> warmer = send("{\"model\":\"cached\",\"temperature\":0.7,\"messages\":[{\"role\":\"user\",\"content\":\""
				+ text + "\"}]}", null);

		assertThat(reordered.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(warmer.getResponseHeaders().getFirst("x-switchboard-cache")).as("another temperature").isEqualTo("miss");
	}

	private EntityExchangeResult<byte[]> send(String body, String cacheControl) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.headers(headers -> {
				if (cacheControl != null) {
					headers.set("Cache-Control", cacheControl);
				}
			})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static void stubJson(String content) {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("c-model", content))));
	}

	/** JSON for a request without {@code "stream": true}, {@code events} for one with it. */
	private static void stubJsonAndStream(String content, String events) {
		stubJson(content);
		PRIMARY.stubFor(post(CHAT).atPriority(1).withRequestBody(STREAMING).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(events)
			.withChunkedDribbleDelay(4, 40)));
	}

	private static void stubStream(String events) {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(events)
			.withChunkedDribbleDelay(4, 40)));
	}

	static String prompt() {
		return "Tell me about " + UUID.randomUUID();
	}

	static ChatCompletionCreateParams chat(String model, String text) {
		return ChatCompletionCreateParams.builder().model(model).addUserMessage(text).build();
	}

	static String chatBody(String model, String text) {
		return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
	}

	static String streamBody(String model, String text) {
		return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
	}

}
