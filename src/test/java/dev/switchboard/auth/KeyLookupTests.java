package dev.switchboard.auth;

import java.time.Instant;
import java.util.HexFormat;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An API key is found as a configured key is: one digest, one hash lookup. Logs the time per lookup of each kind
 * among 10,000 keys (a measurement for the record, not an assertion: the machine is shared).
 */
class KeyLookupTests {

	private static final Log logger = LogFactory.getLog(KeyLookupTests.class);

	@Test
	void findsApiKeysAndConfiguredKeysAlikeAmongTenThousand() {
		KeyRegistry.Builder config = KeyRegistry.builder();
		ApiKeyIndex api = new ApiKeyIndex();
		java.util.List<KeyRecord> records = new java.util.ArrayList<>();
		Instant now = Instant.now();
		for (int i = 0; i < 10_000; i++) {
			config.add(KeyRegistry.sha256("sk-config-" + i), new GatewayKey("config-" + i, ModelPolicy.any()));
			records.add(new KeyRecord("api-" + i, HexFormat.of().formatHex(KeyRegistry.sha256("sk-sb-api-" + i)), "0000",
					KeySpec.DEFAULT, KeyRecord.API, now, now, null, null));
		}
		api.replaceAll(records);
		KeyRegistry registry = config.build();

		assertThat(find(registry, api, "sk-config-77").name()).isEqualTo("config-77");
		assertThat(find(registry, api, "sk-sb-api-77").name()).isEqualTo("api-77");
		assertThat(find(registry, api, "sk-sb-api-x")).isNull();

		for (int round = 0; round < 3; round++) {
			long configNanos = time(registry, api, "sk-config-");
			long apiNanos = time(registry, api, "sk-sb-api-");
			if (round == 2) {
				logger.info("key lookup among 10,000 + 10,000 keys: configured " + configNanos + " ns, API " + apiNanos
						+ " ns (digest included)");
			}
		}
	}

	private static long time(KeyRegistry registry, ApiKeyIndex api, String prefix) {
		String[] keys = new String[1000];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = prefix + (i * 7);
		}
		long start = System.nanoTime();
		int found = 0;
		for (int n = 0; n < 100; n++) {
			for (String key : keys) {
				found += (find(registry, api, key) != null) ? 1 : 0;
			}
		}
		assertThat(found).isEqualTo(100 * keys.length);
		return (System.nanoTime() - start) / (100L * keys.length);
	}

	/** What {@link Callers} does: one digest, the API keys first for an {@code sk-sb-} key, else the configured. */
	private static GatewayKey find(KeyRegistry registry, ApiKeyIndex api, String presented) {
		byte[] digest = KeyRegistry.sha256(presented);
		String hex = HexFormat.of().formatHex(digest);
		boolean apiFirst = presented.startsWith("sk-sb-");
		GatewayKey key = apiFirst ? api.find(digest, hex) : registry.find(digest, hex);
		return (key != null) ? key : (apiFirst ? registry.find(digest, hex) : api.find(digest, hex));
	}

}
