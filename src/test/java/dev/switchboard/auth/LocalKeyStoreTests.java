package dev.switchboard.auth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.state.LocalDirectory;

import static org.assertj.core.api.Assertions.assertThat;

class LocalKeyStoreTests {

	@Test
	void readsTheBenchmarksSeededKeyStore(@TempDir Path dir) throws Exception {
		Files.copy(Path.of("bench/api-keys.json"), dir.resolve("keys.json"));
		try (LocalDirectory local = new LocalDirectory(dir)) {
			ApiKeyIndex index = new ApiKeyIndex();
			index.replaceAll(new LocalKeyStore(local).loadAll().block(Duration.ofSeconds(5)));
			byte[] digest = KeyRegistry.sha256("sk-bench-0000000000000000000000000000");
			assertThat(index.find(digest, HexFormat.of().formatHex(digest)).name()).as("bench/run.sh's API key row")
				.isEqualTo("bench");
		}
	}

	@Test
	void writesWhatItKeepsAndReadsItBack(@TempDir Path dir) throws Exception {
		Instant now = Instant.parse("2026-12-03T10:00:00Z");
		KeyRecord record = new KeyRecord("one", HexFormat.of().formatHex(KeyRegistry.sha256("sk-sb-one")), "-one",
				KeySpec.DEFAULT.with((tools.jackson.databind.node.ObjectNode) KeyRecord.MAPPER
					.readTree("{\"models\":[\"fast\"],\"ip-allow\":[\"::1\"],\"guardrails\":[\"pii\"]}")),
				KeyRecord.API, now, now, null, null);
		try (LocalDirectory local = new LocalDirectory(dir)) {
			LocalKeyStore store = new LocalKeyStore(local);
			assertThat(store.create(record).block(Duration.ofSeconds(5))).isTrue();
			assertThat(store.create(record).block(Duration.ofSeconds(5))).as("the name is taken").isFalse();
		}
		assertThat(Files.readString(dir.resolve("keys.json"))).doesNotContain("sk-sb-one");
		try (LocalDirectory local = new LocalDirectory(dir)) {
			assertThat(new LocalKeyStore(local).load("one").block(Duration.ofSeconds(5))).isEqualTo(record);
		}
	}

}
