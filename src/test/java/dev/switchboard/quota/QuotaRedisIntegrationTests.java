package dev.switchboard.quota;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.state.StateStore;
import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.RedisServer;
import dev.switchboard.testsupport.StreamingClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three gateways on one real redis-server ({@code store: redis}; two {@code on-unavailable: allow}, one {@code deny}),
 * one WireMock provider: limits hold across the replicas, 100 concurrent streams cannot overshoot a budget that fits
 * 10, and an outage of Redis is served by {@code on-unavailable} and reconciled when Redis is back, without a restart.
 */
class QuotaRedisIntegrationTests {

	private static final String CHAT = "/v1/chat/completions";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PROMPT = "{\"model\":\"up/gpt-4o-mini\",\"stream\":%s,\"max_tokens\":100,"
			+ "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about gateways\"}]}";

	private static final String RPM_KEY = "sk-shared-rpm-0123456789";

	private static final String BUDGET_KEY = "sk-shared-budget-0123456789";

	private static final String OUTAGE_KEY = "sk-shared-outage-0123456789";

	private static final String LEAVING_KEY = "sk-leaving-0123456789";

	private static RedisServer redis;

	private static WireMockServer upstream;

	private static final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

	/** What one request reserves: its prompt as the gateway counts it, and its max_tokens. */
	private static long reservation;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		upstream = new WireMockServer(options().dynamicPort());
		upstream.start();
		// streams take about a second and report 10 + 100 tokens; JSON answers report 5 + 2
		upstream.stubFor(post("/v1/chat/completions").atPriority(1)
			.withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
				.withBody(OpenAiFixtures.chunkEvent("gpt-4o-mini", "Gateways route.") + OpenAiFixtures.finishEvent("gpt-4o-mini")
						+ "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
						+ "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":100,\"total_tokens\":110}}\n\n"
						+ OpenAiFixtures.DONE_EVENT)
				.withChunkedDribbleDelay(3, 1000)));
		upstream.stubFor(post("/v1/chat/completions").atPriority(2)
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
				.withBody(OpenAiFixtures.completion("gpt-4o-mini", "ok"))));
		reservation = new TokenCounter().prompt(String.format(PROMPT, true).getBytes(StandardCharsets.UTF_8), "gpt-4o-mini")
				+ 100;
		for (String policy : List.of("allow", "allow", "deny")) {
			gateways.add(ExtraGateway.start("--switchboard.state.store=redis", "--switchboard.state.redis.url=" + redis.url(),
					"--switchboard.state.redis.on-unavailable=" + policy, "--switchboard.state.redis.timeout=2s",
					"--switchboard.providers.up.type=openai", "--switchboard.providers.up.base-url=" + upstream.baseUrl() + "/v1",
					"--switchboard.providers.up.api-key=sk-upstream-SECRET", "--switchboard.providers.up.timeout=5s",
					"--switchboard.auth.keys[0].name=shared-rpm", "--switchboard.auth.keys[0].key=" + RPM_KEY,
					"--switchboard.auth.keys[0].limits.requests-per-minute=30",
					"--switchboard.auth.keys[1].name=shared-budget", "--switchboard.auth.keys[1].key=" + BUDGET_KEY,
					// fits 10 reservations, not 11
					"--switchboard.auth.keys[1].limits.budget.tokens=" + (10 * reservation + reservation / 2),
					"--switchboard.auth.keys[1].limits.budget.period=day",
					"--switchboard.auth.keys[2].name=shared-outage", "--switchboard.auth.keys[2].key=" + OUTAGE_KEY,
					"--switchboard.auth.keys[2].limits.requests-per-minute=1000",
					"--switchboard.auth.keys[2].limits.budget.tokens=1000000",
					"--switchboard.auth.keys[2].limits.budget.period=day"));
		}
	}

	@AfterAll
	static void stop() {
		gateways.forEach(ConfigurableApplicationContext::close);
		upstream.stop();
		redis.close();
	}

	@Test
	void anAggregateRequestsPerMinuteLimitHoldsAcrossThreeReplicas() {
		List<Integer> statuses = Flux.range(0, 60)
			.flatMap(i -> Mono.fromCallable(() -> json(gateways.get(i % 3), RPM_KEY).getStatus().value())
				.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 12)
			.collectList()
			.block(Duration.ofSeconds(60));
		long admitted = statuses.stream().filter(s -> s == 200).count();
		assertThat(admitted).as("30 per minute over all three replicas, within 5%").isBetween(29L, 31L);
		assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(60 - admitted);
	}

	@Test
	void hundredConcurrentStreamsAgainstABudgetForTenAdmitAtMostTen() {
		String body = String.format(PROMPT, true);
		List<StreamingClient.Streamed> results = Flux.range(0, 100)
			.flatMap(i -> new StreamingClient(ExtraGateway.baseUrl(gateways.get(i % 3)), BUDGET_KEY).post(CHAT, body), 100)
			.collectList()
			.block(Duration.ofSeconds(60));
		long admitted = results.stream().filter(r -> r.status() == 200).count();
		assertThat(admitted).as("reservations count before admission: no more than the budget holds").isLessThanOrEqualTo(10);
		assertThat(admitted).as("and the budget holds ten").isEqualTo(10);
		results.stream().filter(r -> r.status() != 200).forEach(r -> assertThat(r.body()).contains("budget_exceeded"));
		long budget = 10 * reservation + reservation / 2;
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			long spent = Long.parseLong(value(budgetKey("shared-budget")));
			assertThat(spent).as("the reservations replaced by what was used: 10 x 110").isEqualTo(1100);
			assertThat(spent).isLessThanOrEqualTo(budget + reservation);
		});
	}

	@Test
	void aRedisOutageIsServedByOnUnavailableAndReconciledWhenRedisIsBack() {
		ConfigurableApplicationContext allow = gateways.get(0);
		ConfigurableApplicationContext deny = gateways.get(2);
		assertThat(json(allow, OUTAGE_KEY).getStatus().value()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(5)).until(() -> value(budgetKey("shared-outage")).equals("7"));

		redis.stop();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !allow.getBean(StateStore.class).availability().up() && !deny.getBean(StateStore.class).availability().up());
		for (int i = 0; i < 5; i++) {
			assertThat(json(allow, OUTAGE_KEY).getStatus().value()).as("allow: admitted, counted locally").isEqualTo(200);
		}
		EntityExchangeResult<byte[]> denied = json(deny, OUTAGE_KEY);
		assertThat(denied.getStatus().value()).isEqualTo(503);
		assertThat(JSON.readTree(denied.getResponseBody()).get("error").get("code").asString()).isEqualTo("state_unavailable");
		ExtraGateway.client(allow).get().uri("/actuator/health/state").exchange().expectStatus().isEqualTo(503);

		// Redis comes back empty (no persistence here): what the allow replica counted meanwhile is added to it
		redis.restart();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> allow.getBean(StateStore.class).availability().up() && deny.getBean(StateStore.class).availability().up());
		await().atMost(Duration.ofSeconds(5)).until(() -> value(budgetKey("shared-outage")).equals("35"));
		assertThat(json(deny, OUTAGE_KEY).getStatus().value()).as("deny serves again, no restart").isEqualTo(200);
		ExtraGateway.client(allow).get().uri("/actuator/health/state").exchange().expectStatus().isOk();
	}

	@Test
	void aGatewayThatStopsRightAfterAnAnswerStillSettlesItInRedis() {
		ConfigurableApplicationContext leaving = ExtraGateway.start("--switchboard.state.store=redis",
				"--switchboard.state.redis.url=" + redis.url(), "--switchboard.providers.up.type=openai",
				"--switchboard.providers.up.base-url=" + upstream.baseUrl() + "/v1",
				"--switchboard.providers.up.api-key=sk-upstream-SECRET", "--switchboard.auth.keys[0].name=leaving",
				"--switchboard.auth.keys[0].key=" + LEAVING_KEY, "--switchboard.auth.keys[0].limits.concurrent-requests=5",
				"--switchboard.auth.keys[0].limits.budget.tokens=1000000",
				"--switchboard.auth.keys[0].limits.budget.period=day");
		try {
			assertThat(json(leaving, LEAVING_KEY).getStatus().value()).isEqualTo(200);
		}
		finally {
			// at once: the answer's settling still waits for a call to carry it, and must go before the connections close
			leaving.close();
		}
		assertThat(value(budgetKey("leaving"))).as("the reservation replaced by the 5 + 2 tokens used").isEqualTo("7");
		assertThat(redis.command("ZCARD", "sb:q:key:leaving:concurrent")).as("its place in flight released")
			.contains(":0");
	}

	private static String budgetKey(String key) {
		return "sb:q:key:" + key + ":budget-tokens:" + BudgetPeriod.DAY.id(Instant.now());
	}

	/** A string value from Redis (bulk reply: the length line, then the value), or "" when absent. */
	private static String value(String key) {
		String reply = redis.command("GET", key);
		if (reply.startsWith("$-1")) {
			return "";
		}
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", redis.port())) {
			socket.getOutputStream().write(("GET " + key + "\r\n").getBytes(StandardCharsets.UTF_8));
			java.io.BufferedReader in = new java.io.BufferedReader(
					new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			in.readLine();
			return in.readLine();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static EntityExchangeResult<byte[]> json(ConfigurableApplicationContext gateway, String key) {
		return ExtraGateway.client(gateway)
			.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(String.format(PROMPT, false))
			.exchange()
			.expectBody()
			.returnResult();
	}

}
