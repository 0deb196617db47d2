package dev.switchboard.quota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.AnthropicFixtures;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage, cost and limits through the HTTP surface of the shared gateway (local store), with WireMock providers:
 * the cost header, rate-limit refusals and headers, concurrency released on every outcome, a token budget with its
 * warning, and usage read from every provider type's JSON and streamed answers, the client's bytes unchanged when
 * it did not ask for usage.
 */
class QuotaIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String RPM_KEY = "sk-quota-rpm-0123456789";

	private static final String CONCURRENT_KEY = "sk-quota-concurrent-0123456789";

	private static final String BUDGET_KEY = "sk-quota-budget-0123456789";

	private static final String USAGE_KEY = "sk-quota-usage-0123456789";

	@Autowired
	MeterRegistry meters;

	@Test
	void aJsonAnswerCarriesItsCostByTheAliasPriceOrTheBuiltInTable() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(json("{\"id\":\"c\",\"object\":\"chat.completion\","
				+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
				+ "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}")));

		EntityExchangeResult<byte[]> priced = send(USAGE_KEY, CHAT, body("quota-priced", false, ""));
		EntityExchangeResult<byte[]> builtIn = send(USAGE_KEY, CHAT, body("primary/gpt-4o-mini", false, ""));

		assertThat(priced.getStatus().value()).isEqualTo(200);
		assertThat(priced.getResponseHeaders().getFirst("x-switchboard-cost-usd")).as("1000 x $1 + 500 x $2 per million")
			.isEqualTo("0.002000");
		assertThat(builtIn.getResponseHeaders().getFirst("x-switchboard-cost-usd"))
			.as("gpt-4o-mini's list price: 1000 x $0.15 + 500 x $0.60 per million")
			.isEqualTo("0.000450");
		assertThat(this.meters.get(QuotaMetrics.COST).tag("key", "quota-usage").tag("route", "quota-priced").counter().count())
			.isEqualTo(0.002);
		assertThat(priced.getResponseHeaders().getFirst("x-ratelimit-limit-tokens"))
			.as("the route's tokens-per-minute limit applies").isEqualTo("1000000");
		assertThat(priced.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isNull();
	}

	@Test
	void requestsPerMinuteRefuseTheFourthRequestNamingTheLimitInEachClientsFormat() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(json(OpenAiFixtures.completion("gpt-4o-mini", "hi"))));
		for (int i = 0; i < 3; i++) {
			EntityExchangeResult<byte[]> admitted = send(RPM_KEY, CHAT, body("fast", false, ""));
			assertThat(admitted.getStatus().value()).isEqualTo(200);
			assertThat(admitted.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isEqualTo("3");
			assertThat(admitted.getResponseHeaders().getFirst("x-ratelimit-remaining-requests"))
				.isEqualTo(Integer.toString(2 - i));
			assertThat(admitted.getResponseHeaders().getFirst("x-ratelimit-reset-requests")).matches("\\d+m\\d+s|\\d+s");
		}

		EntityExchangeResult<byte[]> refused = send(RPM_KEY, CHAT, body("fast", false, ""));
		assertThat(refused.getStatus().value()).isEqualTo(429);
		JsonNode error = JSON.readTree(refused.getResponseBody()).get("error");
		assertThat(error.get("code").asString()).isEqualTo("rate_limit_exceeded");
		assertThat(error.get("message").asString()).contains("key 'quota-rpm'").contains("3 requests per minute");
		long retryAfter = Long.parseLong(refused.getResponseHeaders().getFirst("Retry-After"));
		assertThat(retryAfter).isBetween(1L, 120L);

		EntityExchangeResult<byte[]> anthropic = send(RPM_KEY, AnthropicFixtures.MESSAGES,
				"{\"model\":\"fast\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
		assertThat(anthropic.getStatus().value()).isEqualTo(429);
		JsonNode anthropicError = JSON.readTree(anthropic.getResponseBody());
		assertThat(anthropicError.get("type").asString()).isEqualTo("error");
		assertThat(anthropicError.get("error").get("type").asString()).isEqualTo("rate_limit_error");
		// refused requests never reach the provider
		PRIMARY.verify(3, postRequestedFor(urlEqualTo("/v1/chat/completions")));
	}

	@Test
	void concurrentRequestsCountStreamsUntilTheirLastByteAndAreReleasedWhenTheClientLeaves() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("gpt-4o-mini", "a", "b", "c", "d", "e", "f"))
			.withChunkedDribbleDelay(4, 900)));
		StreamingClient sse = new StreamingClient(baseUrl(), CONCURRENT_KEY);
		String stream = body("primary/gpt-4o-mini", true, "");
		List<Mono<StreamingClient.Streamed>> two = List.of(sse.post(CHAT, stream).cache(), sse.post(CHAT, stream).cache());
		two.forEach(Mono::subscribe);
		// both are in flight once the provider has seen them
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> PRIMARY.getAllServeEvents().size() >= 2);

		EntityExchangeResult<byte[]> third = send(CONCURRENT_KEY, CHAT, body("primary/gpt-4o-mini", false, ""));
		assertThat(third.getStatus().value()).isEqualTo(429);
		assertThat(JSON.readTree(third.getResponseBody()).get("error").get("code").asString())
			.isEqualTo("concurrency_limit_exceeded");

		for (Mono<StreamingClient.Streamed> finished : two) {
			assertThat(finished.block(Duration.ofSeconds(10)).status()).isEqualTo(200);
		}
		// a client that leaves mid-stream releases its place too
		sse.readFirstChunkThenDisconnect(CHAT, stream).block(Duration.ofSeconds(5));
		sse.readFirstChunkThenDisconnect(CHAT, stream).block(Duration.ofSeconds(5));
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> send(CONCURRENT_KEY, CHAT, stream).getStatus().value() == 200);
	}

	@Test
	void aTokenBudgetWarnsPastWarnAtAndRefusesTheRequestThatWouldGoPastIt() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(json("{\"id\":\"c\",\"object\":\"chat.completion\","
				+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
				+ "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":190,\"total_tokens\":200}}")));
		List<String> warnings = new ArrayList<>();
		int admitted = 0;
		EntityExchangeResult<byte[]> last = null;
		for (int i = 0; i < 8; i++) {
			last = send(BUDGET_KEY, CHAT, body("fast", false, ",\"max_tokens\":200"));
			if (last.getStatus().value() != 200) {
				break;
			}
			admitted++;
			warnings.add(last.getResponseHeaders().getFirst("x-switchboard-budget-warning"));
		}
		// each reserves about 210 (its prompt and max_tokens) and uses 200: 1000 fit four, not a fifth
		assertThat(admitted).isEqualTo(4);
		assertThat(warnings.get(0)).isNull();
		assertThat(warnings.get(3)).matches("quota-budget \\d+%");
		assertThat(last.getStatus().value()).isEqualTo(429);
		assertThat(JSON.readTree(last.getResponseBody()).get("error").get("code").asString()).isEqualTo("budget_exceeded");
		assertThat(Long.parseLong(last.getResponseHeaders().getFirst("Retry-After"))).as("until the UTC day ends")
			.isBetween(1L, 86_400L);
		assertThat(this.meters.get(QuotaMetrics.BUDGET_WARNINGS).tag("name", "quota-budget").counter().count()).isPositive();

		JsonNode quotas = JSON.readTree(this.client.get().uri("/actuator/quotas").header("Authorization", "Bearer " + ADMIN_KEY)
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
		JsonNode budget = null;
		for (JsonNode limit : quotas.get("limits")) {
			if (limit.get("name").asString().equals("quota-budget")) {
				budget = limit;
			}
		}
		assertThat(budget.get("used").asLong()).as("the reservations replaced by what was used").isEqualTo(800);
		assertThat(budget.get("remaining").asLong()).isEqualTo(200);
		this.client.get().uri("/actuator/quotas").header("Authorization", "Bearer " + TEAM_A_KEY).exchange()
			.expectStatus().isForbidden();
	}

	@Test
	void anOpenAiStreamsClientBytesAreWhatTheyWouldHaveBeenAndItsUsageIsCounted() {
		String head = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",";
		String asked = "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null}\n\n"
				+ "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
				+ "data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":8,\"total_tokens\":29}}\n\n"
				+ "data: [DONE]\n\n";
		String plain = "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
				+ "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n" + "data: [DONE]\n\n";
		// the provider answers as OpenAI does: the usage chunk and usage members only for a request that asks
		PRIMARY.stubFor(post("/v1/chat/completions").withRequestBody(matchingJsonPath("$.stream_options.include_usage", equalTo("true")))
			.willReturn(sse(asked)));
		PRIMARY.stubFor(post("/v1/chat/completions").withRequestBody(matchingJsonPath("$.stream_options", absent()))
			.willReturn(sse(plain)));
		StreamingClient sse = new StreamingClient(baseUrl(), USAGE_KEY);
		long before = usageTokens("primary/gpt-4o-mini", "output");

		StreamingClient.Streamed notAsked = sse.post(CHAT, body("primary/gpt-4o-mini", true, "")).block(Duration.ofSeconds(10));
		StreamingClient.Streamed askedFor = sse
			.post(CHAT, body("primary/gpt-4o-mini", true, ",\"stream_options\":{\"include_usage\":true}"))
			.block(Duration.ofSeconds(10));

		assertThat(notAsked.body()).as("as the provider answers a request that does not ask for usage").isEqualTo(plain);
		assertThat(askedFor.body()).isEqualTo(asked);
		PRIMARY.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withRequestBody(matchingJsonPath("$.stream_options.include_usage", equalTo("true"))));
		assertThat(usageTokens("primary/gpt-4o-mini", "output") - before).as("8 output tokens counted for each").isEqualTo(16);
	}

	@Test
	void usageIsReadFromEveryProviderTypesJsonAndStreamedAnswers() {
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).atPriority(1)
			.withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
			.willReturn(sse(AnthropicFixtures.stream("claude-sonnet-4", "Hel", "lo", "!"))));
		CLAUDE.stubFor(post(AnthropicFixtures.MESSAGES).atPriority(2)
			.willReturn(json(AnthropicFixtures.message("claude-sonnet-4", "Hello"))));
		String geminiTail = "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r\"";
		GEMINI.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")).willReturn(sse(
				"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"},\"index\":0}]," + geminiTail + "}\r\n\r\n"
						+ "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" there\"}],\"role\":\"model\"},\"finishReason\":\"STOP\","
						+ "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":30,\"candidatesTokenCount\":12,\"totalTokenCount\":42},"
						+ geminiTail + "}\r\n\r\n")));
		GEMINI.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent")).willReturn(json(
				"{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hi\"}]},\"finishReason\":\"STOP\",\"index\":0}],"
						+ "\"usageMetadata\":{\"promptTokenCount\":30,\"candidatesTokenCount\":12,\"totalTokenCount\":42}," + geminiTail + "}")));
		StreamingClient sse = new StreamingClient(baseUrl(), USAGE_KEY);
		long claudeIn = usageTokens("claude/claude-sonnet-4", "input");
		long claudeOut = usageTokens("claude/claude-sonnet-4", "output");
		long geminiOut = usageTokens("gemini/gemini-2.5-flash", "output");
		long mockOut = usageTokens("mock/mock-1", "output");

		// Anthropic, to an OpenAI client: JSON, then a stream without and with include_usage
		assertThat(send(USAGE_KEY, CHAT, body("claude-only", false, "")).getStatus().value()).isEqualTo(200);
		StreamingClient.Streamed plain = sse.post(CHAT, body("claude-only", true, "")).block(Duration.ofSeconds(10));
		StreamingClient.Streamed withUsage = sse.post(CHAT, body("claude-only", true, ",\"stream_options\":{\"include_usage\":true}"))
			.block(Duration.ofSeconds(10));
		assertThat(plain.body()).as("no usage for a client that did not ask").doesNotContain("usage");
		assertThat(withUsage.events().get(withUsage.events().size() - 2)).contains("\"usage\"");
		assertThat(plain.events()).hasSize(withUsage.events().size() - 1);
		// Anthropic, to an Anthropic client: the provider's stream byte for byte
		StreamingClient.Streamed native_ = sse.post(AnthropicFixtures.MESSAGES,
				"{\"model\":\"claude-only\",\"stream\":true,\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.block(Duration.ofSeconds(10));
		assertThat(native_.body()).isEqualTo(AnthropicFixtures.stream("claude-sonnet-4", "Hel", "lo", "!"));
		// input 9 + 3 read from the cache, per answer; output 4 (JSON) and 3 per stream
		settled(() -> {
			assertThat(usageTokens("claude/claude-sonnet-4", "input") - claudeIn).isEqualTo(4 * 12);
			assertThat(usageTokens("claude/claude-sonnet-4", "output") - claudeOut).isEqualTo(4 + 3 * 3);
		});

		// Gemini: JSON and stream
		assertThat(send(USAGE_KEY, CHAT, body("gemini-only", false, "")).getStatus().value()).isEqualTo(200);
		StreamingClient.Streamed gemini = sse.post(CHAT, body("gemini-only", true, "")).block(Duration.ofSeconds(10));
		assertThat(gemini.body()).doesNotContain("usage");
		settled(() -> assertThat(usageTokens("gemini/gemini-2.5-flash", "output") - geminiOut).isEqualTo(24));

		// Azure OpenAI (a deployment URL, OpenAI's format): JSON, and a stream asked for usage upstream only
		String azure = "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21";
		THIRD.stubFor(post(urlEqualTo(azure)).atPriority(1).withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
			.willReturn(sse(OpenAiFixtures.chunkEvent("gpt-4o", "Hi") + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
					+ "\"created\":1,\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":6,\"completion_tokens\":4}}\n\n"
					+ OpenAiFixtures.DONE_EVENT)));
		THIRD.stubFor(post(urlEqualTo(azure)).atPriority(2).willReturn(json(OpenAiFixtures.completion("gpt-4o", "Hi"))));
		long azureOut = usageTokens("azure/gpt4o-prod", "output");
		assertThat(send(USAGE_KEY, CHAT, body("azure/gpt4o-prod", false, "")).getStatus().value()).isEqualTo(200);
		StreamingClient.Streamed azureStream = sse.post(CHAT, body("azure/gpt4o-prod", true, "")).block(Duration.ofSeconds(10));
		assertThat(azureStream.body()).isEqualTo(OpenAiFixtures.chunkEvent("gpt-4o", "Hi") + OpenAiFixtures.DONE_EVENT);
		settled(() -> assertThat(usageTokens("azure/gpt4o-prod", "output") - azureOut).as("2 (JSON) + 4 (stream)")
			.isEqualTo(6));

		// the built-in mock: its stream carries usage only when asked, as OpenAI's does
		StreamingClient.Streamed mock = sse.post(CHAT, body("demo", true, "")).block(Duration.ofSeconds(10));
		assertThat(mock.body()).doesNotContain("usage");
		settled(() -> assertThat(usageTokens("mock/mock-1", "output") - mockOut).isPositive());
		assertThat(this.meters.get(QuotaMetrics.UNPRICED).tag("provider", "mock").tag("model", "mock-1").counter().count())
			.as("a model without a price costs 0 and is counted").isPositive();
	}

	/**
	 * Asserts what a request's settling recorded: that happens when its exchange ends, which may be just after the
	 * client has read the last event of a stream.
	 */
	private static void settled(org.awaitility.core.ThrowingRunnable assertion) {
		Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(assertion);
	}

	/** Output or input tokens the usage endpoint reports for quota-usage and {@code model} today. */
	private long usageTokens(String model, String kind) {
		JsonNode usage = JSON.readTree(this.client.get()
			.uri("/actuator/usage?key=quota-usage&group-by=model&model=" + model)
			.header("Authorization", "Bearer " + ADMIN_KEY)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());
		long total = 0;
		for (JsonNode row : usage.get("rows")) {
			total += row.get("tokens").get(kind).asLong();
		}
		return total;
	}

	private EntityExchangeResult<byte[]> send(String key, String path, String body) {
		return this.client.post()
			.uri(path)
			.header("Authorization", "Bearer " + key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static String body(String model, boolean stream, String extra) {
		return "{\"model\":\"" + model + "\",\"stream\":" + stream
				+ ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]" + extra + "}";
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sse(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body)
			.withChunkedDribbleDelay(5, 100);
	}

}
