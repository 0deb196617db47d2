package dev.switchboard.quota;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;

import dev.switchboard.testsupport.ExtraGateway;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code store: local}: a monthly budget's spend and the usage rows are on disk under {@code dir} and survive a restart. */
class LocalStoreRestartIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path dir;

	@Test
	void spendSurvivesARestart() throws Exception {
		String[] args = { "--switchboard.state.dir=" + this.dir, "--switchboard.auth.keys[0].name=team",
				"--switchboard.auth.keys[0].key=sk-local-team-0123456789",
				"--switchboard.auth.keys[0].limits.budget.tokens=100000", "--switchboard.auth.keys[0].limits.budget.period=month",
				"--switchboard.auth.keys[1].name=ops", "--switchboard.auth.keys[1].key=sk-local-ops-0123456789",
				"--switchboard.auth.keys[1].admin=true" };
		long used;
		try (ConfigurableApplicationContext first = ExtraGateway.start(args)) {
			for (int i = 0; i < 3; i++) {
				ExtraGateway.client(first).post().uri("/v1/chat/completions")
					.header("Authorization", "Bearer sk-local-team-0123456789")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"model\":\"demo\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}")
					.exchange()
					.expectStatus()
					.isOk();
			}
			used = budgetUsed(first);
			assertThat(used).as("three answers of the mock, their real usage").isPositive().isLessThan(3 * 60);
		}
		assertThat(Files.exists(this.dir.resolve(LocalQuotaStore.FILE))).as("written at shutdown at the latest").isTrue();

		try (ConfigurableApplicationContext second = ExtraGateway.start(args)) {
			assertThat(budgetUsed(second)).as("the month's spend, read back").isEqualTo(used);
			JsonNode usage = JSON.readTree(ExtraGateway.client(second).get().uri("/actuator/usage?group-by=key")
				.header("Authorization", "Bearer sk-local-ops-0123456789")
				.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
			assertThat(usage.get("rows").get(0).get("key").asString()).isEqualTo("team");
			assertThat(usage.get("rows").get(0).get("requests").asLong()).isEqualTo(3);
		}
	}

	private static long budgetUsed(ConfigurableApplicationContext gateway) {
		JsonNode quotas = JSON.readTree(ExtraGateway.client(gateway).get().uri("/actuator/quotas")
			.header("Authorization", "Bearer sk-local-ops-0123456789")
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
		return quotas.get("limits").get(0).get("used").asLong();
	}

}
