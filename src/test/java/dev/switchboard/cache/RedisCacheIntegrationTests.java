package dev.switchboard.cache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.state.RedisState;
import dev.switchboard.state.StateStore;
import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.RedisServer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code switchboard.cache.store: redis} with two gateway processes on one real redis-server: an answer one stored
 * is a hit on the other (a stream byte for byte), with the route's time to live in Redis; a Redis outage makes the
 * cache a miss, never an error, and counts in the meters.
 */
class RedisCacheIntegrationTests {

	private static final String KEY = "sk-cache-redis-0123456789";

	private static final String CHAT = "/v1/chat/completions";

	private static RedisServer redis;

	private static WireMockServer upstream;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void start() throws Exception {
		redis = RedisServer.start();
		upstream = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		upstream.start();
		first = gateway(Files.createTempDirectory("cache-redis-a"));
		second = gateway(Files.createTempDirectory("cache-redis-b"));
	}

	private static ConfigurableApplicationContext gateway(Path dir) {
		return ExtraGateway.start("--switchboard.auth.keys[0].key=" + KEY, "--switchboard.state.store=redis",
				"--switchboard.state.redis.url=" + redis.url(), "--switchboard.state.redis.timeout=300ms",
				"--switchboard.state.dir=" + dir, "--switchboard.cache.store=redis",
				"--switchboard.providers.up.type=openai", "--switchboard.providers.up.api-key=sk-up",
				"--switchboard.providers.up.base-url=" + upstream.baseUrl() + "/v1",
				"--switchboard.routes[0].model=shared", "--switchboard.routes[0].cache.mode=exact",
				"--switchboard.routes[0].cache.shared=true", "--switchboard.routes[0].cache.ttl=10m",
				"--switchboard.routes[0].targets[0].provider=up", "--switchboard.routes[0].targets[0].model=u-1");
	}

	@AfterAll
	static void stop() {
		first.close();
		second.close();
		upstream.stop();
		redis.close();
	}

	@BeforeEach
	void reset() {
		upstream.resetAll();
		if (!redis.running()) {
			redis.restart();
		}
		for (ConfigurableApplicationContext gateway : List.of(first, second)) {
			StateStore state = gateway.getBean(StateStore.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> state.availability().up()
					&& state.redis().strings(c -> c.ping()).onErrorReturn("down").block(Duration.ofSeconds(2)).equals("PONG"));
		}
	}

	@Test
	void anAnswerStoredByOneGatewayIsAHitOnTheOtherWithTheRoutesTtl() {
		String events = OpenAiFixtures.stream("u-1", "Shared ", "by ", "replicas");
		upstream.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(events)));
		String body = ResponseCacheIntegrationTests.streamBody("shared", ResponseCacheIntegrationTests.prompt());

		EntityExchangeResult<byte[]> stored = send(first, body);
		RedisState state = first.getBean(StateStore.class).redis();
		// the answer is stored just after its last byte went out
		await().atMost(Duration.ofSeconds(5)).until(() -> !keys(state).isEmpty());
		EntityExchangeResult<byte[]> hit = send(second, body);

		assertThat(stored.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		assertThat(hit.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(new String(hit.getResponseBody())).as("byte for byte, from the other process").isEqualTo(events);
		upstream.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		List<String> keys = keys(state);
		Long ttl = state.strings(c -> c.pttl(keys.get(0))).block(Duration.ofSeconds(5));
		assertThat(ttl).as("the route's 10 minutes, in Redis").isBetween(Duration.ofMinutes(9).toMillis(),
				Duration.ofMinutes(10).toMillis());
	}

	@Test
	void aRedisOutageIsAMissNeverAnError() {
		upstream.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("u-1", "Without Redis"))));
		String body = ResponseCacheIntegrationTests.chatBody("shared", ResponseCacheIntegrationTests.prompt());
		redis.stop();

		EntityExchangeResult<byte[]> answered = send(first, body);
		// the first answer's flight lands once its store in Redis has failed (the 300 ms timeout); a request
		// before that would join the flight, which is coalescing and not the cache
		Singleflight flights = first.getBean(ResponseCache.class).singleflight();
		await().atMost(Duration.ofSeconds(5)).until(() -> flights.size() == 0);
		EntityExchangeResult<byte[]> again = send(first, body);

		assertThat(answered.getStatus().value()).isEqualTo(200);
		assertThat(new String(answered.getResponseBody())).contains("Without Redis");
		assertThat(again.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		upstream.verify(2, postRequestedFor(urlEqualTo(CHAT)));
		MeterRegistry meters = first.getBean(MeterRegistry.class);
		assertThat(meters.get(CacheMetrics.STORE_ERRORS).tag("store", "redis").tag("operation", "get").counter().count())
			.isPositive();
	}

	private static List<String> keys(RedisState state) {
		return state.stringsMany(c -> c.keys(RedisCacheStore.PREFIX + "*")).collectList().block(Duration.ofSeconds(5));
	}

	private static EntityExchangeResult<byte[]> send(ConfigurableApplicationContext gateway, String body) {
		return ExtraGateway.client(gateway)
			.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

}
