package dev.switchboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The configured gateway keys, held only as SHA-256 digests. A presented key is hashed and looked up by its digest,
 * then the digests are compared with {@link MessageDigest#isEqual}, which takes the same time wherever they differ:
 * neither the lookup nor the comparison tells an attacker how close a guess came.
 * <p>
 * Beside the compiled keys it keeps their records, for {@code GET /admin/keys} and for the admin API's rule that a
 * name is taken once across configuration and API keys.
 */
public final class KeyRegistry {

	private final Map<String, Entry> byDigest;

	private final Map<String, KeyRecord> records;

	private KeyRegistry(Map<String, Entry> byDigest, Map<String, KeyRecord> records) {
		this.byDigest = byDigest;
		this.records = records;
	}

	/** The caller that {@code presentedKey} belongs to, or {@code null}. */
	public @Nullable GatewayKey find(String presentedKey) {
		byte[] digest = sha256(presentedKey);
		return find(digest, HexFormat.of().formatHex(digest));
	}

	/** The caller whose key has {@code digest} ({@code hex} in lowercase hex), or {@code null}. */
	public @Nullable GatewayKey find(byte[] digest, String hex) {
		Entry entry = this.byDigest.get(hex);
		return (entry != null && MessageDigest.isEqual(entry.digest, digest)) ? entry.key : null;
	}

	public int size() {
		return this.byDigest.size();
	}

	/** The record of the configured key named {@code name}, or {@code null}. */
	public @Nullable KeyRecord record(String name) {
		return this.records.get(name);
	}

	/** The records of the configured keys, in configuration order. */
	public List<KeyRecord> records() {
		return new ArrayList<>(this.records.values());
	}

	public static byte[] sha256(String key) {
		return SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8));
	}

	/** One digest per thread: {@link MessageDigest#getInstance} looks up security providers, per call. */
	private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	});

	public static Builder builder() {
		return new Builder();
	}

	private record Entry(byte[] digest, GatewayKey key) {
	}

	/** Collects keys; {@link #add} reports a digest that is already taken. */
	public static final class Builder {

		private final Map<String, Entry> byDigest = new HashMap<>();

		private final Map<String, KeyRecord> records = new LinkedHashMap<>();

		/**
		 * Adds a key by its digest.
		 * @return {@code false} when a key with that digest was added before
		 */
		public boolean add(byte[] digest, GatewayKey key) {
			return this.byDigest.putIfAbsent(HexFormat.of().formatHex(digest), new Entry(digest, key)) == null;
		}

		/**
		 * Adds a key by its digest, with the record the admin API lists.
		 * @return {@code false} when a key with that digest was added before
		 */
		public boolean add(byte[] digest, GatewayKey key, KeyRecord record) {
			if (!add(digest, key)) {
				return false;
			}
			this.records.putIfAbsent(record.name(), record);
			return true;
		}

		public KeyRegistry build() {
			return new KeyRegistry(Map.copyOf(this.byDigest), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(this.records)));
		}

	}

}
