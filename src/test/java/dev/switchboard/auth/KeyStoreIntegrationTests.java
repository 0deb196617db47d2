package dev.switchboard.auth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where API keys live: a file under {@code switchboard.state.dir} that survives a restart, and a real
 * {@code redis-server} shared by two gateway processes, each answering from its own memory, told of changes by
 * pub/sub. The gateways serve the built-in demo (the mock provider), so no upstream is involved.
 */
class KeyStoreIntegrationTests {

	private static final Log logger = LogFactory.getLog(KeyStoreIntegrationTests.class);

	private static final String BOSS_KEY = "sk-boss-0123456789";

	private static final String CONFIG_USER_KEY = "sk-config-user-0123456789";

	private final List<AutoCloseable> running = new ArrayList<>();

	@AfterEach
	void stop() throws Exception {
		for (int i = this.running.size() - 1; i >= 0; i--) {
			this.running.get(i).close();
		}
	}

	@Test
	void keepsApiKeysAcrossARestartWithTheLocalStore(@TempDir Path dir) throws Exception {
		ConfigurableApplicationContext first = gateway("--switchboard.state.dir=" + dir,
				"--switchboard.protect-actuator=true");
		AdminApi admin = new AdminApi(ExtraGateway.client(first), BOSS_KEY);
		// with protect-actuator, actuator reads are for admin and read-only keys, writes for admin keys
		AdminApi.Issued reader = admin.issue("{\"name\":\"reader\",\"role\":\"read-only\"}");
		assertThat(admin.call(HttpMethod.GET, "/actuator/prometheus", null, reader.key()).getStatus().value())
			.isEqualTo(200);
		assertThat(admin.call(HttpMethod.POST, "/actuator/reload", null, reader.key()).getStatus().value())
			.isEqualTo(403);
		assertThat(admin.call(HttpMethod.GET, "/actuator/prometheus", null, CONFIG_USER_KEY).getStatus().value())
			.as("a user key is for the AI endpoints").isEqualTo(403);
		assertThat(admin.call(HttpMethod.GET, "/actuator/prometheus", null, BOSS_KEY).getStatus().value())
			.isEqualTo(200);
		AdminApi.Issued kept = admin.issue("{\"name\":\"kept\",\"models\":[\"demo\"],"
				+ "\"limits\":{\"requests-per-minute\":100,\"budget\":{\"usd\":2.5,\"period\":\"week\"}}}");
		AdminApi.Issued gone = admin.issue("{\"name\":\"gone\"}");
		admin.call(HttpMethod.DELETE, "/admin/keys/gone", null);
		// no trusted proxy here: a client's X-Forwarded-For is not believed
		AdminApi.Issued behind = admin.issue("{\"name\":\"behind\",\"ip-allow\":[\"203.0.113.0/24\"]}");
		assertThat(chat(first, behind.key(), "203.0.113.9").getStatus().value()).isEqualTo(403);
		first.close();

		String file = Files.readString(dir.resolve("keys.json"));
		assertThat(file).as("digests only").doesNotContain(kept.key()).contains(kept.record().get("id").asString());

		ConfigurableApplicationContext second = gateway("--switchboard.state.dir=" + dir);
		EntityExchangeResult<byte[]> afterRestart = chat(second, kept.key(), null);
		assertThat(afterRestart.getStatus().value()).as("issued before the restart").isEqualTo(200);
		assertThat(afterRestart.getResponseHeaders().getFirst("x-ratelimit-limit-requests"))
			.as("its limits kept with it").isEqualTo("100");
		assertThat(chat(second, gone.key(), null).getStatus().value()).as("revoked before the restart").isEqualTo(401);
		EntityExchangeResult<byte[]> record = new AdminApi(ExtraGateway.client(second), BOSS_KEY)
			.call(HttpMethod.GET, "/admin/keys/kept", null);
		assertThat(AdminApi.read(record).get("models").get(0).asString()).isEqualTo("demo");
		assertThat(AdminApi.read(record).get("limits").get("budget").get("usd").decimalValue())
			.isEqualByComparingTo("2.5");
	}

	@Test
	void limitsAnIssuedKeyOnEveryReplicaWithRedisAndAppliesAChangeOnTheOther() throws Exception {
		RedisServer redis = RedisServer.start();
		this.running.add(redis);
		ConfigurableApplicationContext one = gateway("--switchboard.state.store=redis",
				"--switchboard.state.redis.url=" + redis.url(), "--switchboard.auth.key-sync-interval=200ms");
		ConfigurableApplicationContext other = gateway("--switchboard.state.store=redis",
				"--switchboard.state.redis.url=" + redis.url(), "--switchboard.auth.key-sync-interval=200ms");
		AdminApi admin = new AdminApi(ExtraGateway.client(one), BOSS_KEY);

		AdminApi.Issued limited = admin.issue("{\"name\":\"limited\",\"limits\":{\"requests-per-minute\":2,"
				+ "\"budget\":{\"tokens\":1000000,\"period\":\"total\"}}}");
		// the other replica has the limits from the record in Redis; a key it does not know yet is refused before
		// the quota slot, so only the 200 counts
		untilStatus(other, limited.key(), 200);
		assertThat(chat(one, limited.key(), null).getStatus().value()).isEqualTo(200);
		EntityExchangeResult<byte[]> third = chat(other, limited.key(), null);
		assertThat(third.getStatus().value()).as("two requests on two replicas: one shared counter").isEqualTo(429);
		assertThat(AdminApi.body(third)).contains("rate_limit_exceeded").contains("key 'limited'");
		assertThat(third.getResponseHeaders().getFirst("Retry-After")).isNotBlank();

		// the block is replaced whole: the budget is given again
		admin.call(HttpMethod.PATCH, "/admin/keys/limited", "{\"limits\":{\"requests-per-minute\":50,"
				+ "\"budget\":{\"tokens\":1000000,\"period\":\"total\"}}}");
		long changed = System.nanoTime();
		long applied = untilStatus(other, limited.key(), 200);
		assertThat(Duration.ofNanos(applied - changed)).as("a raised limit in force on the other replica within a second")
			.isLessThan(Duration.ofSeconds(1));
		JsonNode onTheOther = AdminApi.read(new AdminApi(ExtraGateway.client(other), BOSS_KEY)
			.call(HttpMethod.GET, "/admin/keys/limited", null));
		assertThat(onTheOther.get("limits").get("requests-per-minute").asLong()).isEqualTo(50);
		assertThat(onTheOther.get("spend").get("tokens").asLong()).as("spent on either replica, read from Redis")
			.isPositive();
		assertThat(onTheOther.get("spend").get("period").asString()).isEqualTo("total");
		assertThat(onTheOther.get("spend").get("since").isNull()).as("a total budget never began a period").isTrue();
	}

	@Test
	void sharesKeysAndRevocationsBetweenReplicasOnRedisAndFollowsOnUnavailable() throws Exception {
		RedisServer redis = RedisServer.start();
		this.running.add(redis);
		ConfigurableApplicationContext allow = gateway("--switchboard.state.store=redis",
				"--switchboard.state.redis.url=" + redis.url(), "--switchboard.state.redis.on-unavailable=allow",
				"--switchboard.auth.key-sync-interval=200ms");
		ConfigurableApplicationContext deny = gateway("--switchboard.state.store=redis",
				"--switchboard.state.redis.url=" + redis.url(), "--switchboard.state.redis.on-unavailable=deny",
				"--switchboard.auth.key-sync-interval=200ms");
		AdminApi admin = new AdminApi(ExtraGateway.client(allow), BOSS_KEY);

		AdminApi.Issued shared = admin.issue("{\"name\":\"shared\"}");
		long issued = System.nanoTime();
		long known = untilStatus(deny, shared.key(), 200);
		logger.info("a key issued on one replica worked on the other after " + (known - issued) / 1_000_000 + " ms");
		assertThat(Duration.ofNanos(known - issued)).as("known on the other replica within a second")
			.isLessThan(Duration.ofSeconds(1));
		assertThat(redis.command("HEXISTS", RedisKeyStore.RECORDS, "shared")).contains("1");
		// used only on the other replica: its last use reaches this one with the next syncs
		long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		JsonNode record = null;
		while (System.nanoTime() < until) {
			record = AdminApi.read(admin.call(HttpMethod.GET, "/admin/keys/shared", null));
			if (!record.get("last-used-at").isNull()) {
				break;
			}
			Thread.sleep(50);
		}
		assertThat(record.get("last-used-at").isNull()).as("last-used-at shared by the replicas").isFalse();

		assertThat(admin.call(HttpMethod.DELETE, "/admin/keys/shared", null).getStatus().value()).isEqualTo(200);
		long revoked = System.nanoTime();
		long refused = untilStatus(deny, shared.key(), 401);
		logger.info("a key revoked on one replica was refused on the other after " + (refused - revoked) / 1_000_000
				+ " ms");
		assertThat(Duration.ofNanos(refused - revoked)).as("refused on the other replica within a second")
			.isLessThan(Duration.ofSeconds(1));

		AdminApi.Issued patched = admin.issue("{\"name\":\"patched\"}");
		untilStatus(deny, patched.key(), 200);
		admin.call(HttpMethod.PATCH, "/admin/keys/patched", "{\"models\":[\"fast\"]}");
		long changed = System.nanoTime();
		long applied = untilStatus(deny, patched.key(), 403);
		assertThat(Duration.ofNanos(applied - changed)).as("a change in force on the other replica within a second")
			.isLessThan(Duration.ofSeconds(1));

		AdminApi.Issued before = admin.issue("{\"name\":\"before-outage\"}");
		untilStatus(deny, before.key(), 200);
		redis.stop();
		untilStatus(deny, before.key(), 503);
		EntityExchangeResult<byte[]> denied = chat(deny, before.key(), null);
		assertThat(AdminApi.body(denied)).contains("state_unavailable").doesNotContain(before.key());
		assertThat(chat(deny, CONFIG_USER_KEY, null).getStatus().value()).as("config keys always work").isEqualTo(200);
		assertThat(chat(allow, before.key(), null).getStatus().value()).as("allow: known keys keep working")
			.isEqualTo(200);
		EntityExchangeResult<byte[]> create = admin.call(HttpMethod.POST, "/admin/keys", "{\"name\":\"during\"}");
		assertThat(create.getStatus().value()).as(AdminApi.body(create)).isEqualTo(503);
		assertThat(AdminApi.body(create)).contains("state_unavailable");
	}

	/** Polls until {@code key} gets {@code status} on {@code gateway}; the time it did. */
	private static long untilStatus(ConfigurableApplicationContext gateway, String key, int status)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		int last = -1;
		while (System.nanoTime() < deadline) {
			last = chat(gateway, key, null).getStatus().value();
			if (last == status) {
				return System.nanoTime();
			}
			Thread.sleep(20);
		}
		throw new AssertionError("still " + last + " after 10 s, expected " + status);
	}

	private static EntityExchangeResult<byte[]> chat(ConfigurableApplicationContext gateway, String key,
			String forwardedFor) {
		WebTestClient.RequestBodySpec request = ExtraGateway.client(gateway)
			.post()
			.uri("/v1/chat/completions")
			.header("Authorization", "Bearer " + key);
		if (forwardedFor != null) {
			request = request.header("X-Forwarded-For", forwardedFor);
		}
		return request.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
	}

	private ConfigurableApplicationContext gateway(String... args) {
		List<String> all = new ArrayList<>(List.of("--switchboard.auth.keys[0].name=boss",
				"--switchboard.auth.keys[0].key=" + BOSS_KEY, "--switchboard.auth.keys[0].role=admin",
				"--switchboard.auth.keys[1].name=config-user", "--switchboard.auth.keys[1].key=" + CONFIG_USER_KEY,
				"--switchboard.access-log=false"));
		all.addAll(List.of(args));
		if (all.stream().noneMatch(arg -> arg.startsWith("--switchboard.state.dir="))) {
			try {
				all.add("--switchboard.state.dir=" + Files.createTempDirectory("switchboard-keys"));
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}
		ConfigurableApplicationContext context = ExtraGateway.start(all.toArray(String[]::new));
		this.running.add(context::close);
		return context;
	}

}
