package dev.switchboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The gateway keys, held only as SHA-256 digests. A presented key is hashed and looked up by its digest, then the
 * digests are compared with {@link MessageDigest#isEqual}, which takes the same time wherever they differ: neither
 * the lookup nor the comparison tells an attacker how close a guess came.
 */
public final class KeyRegistry {

	private final Map<String, Entry> byDigest;

	private KeyRegistry(Map<String, Entry> byDigest) {
		this.byDigest = byDigest;
	}

	/** The caller that {@code presentedKey} belongs to, or {@code null}. */
	public @Nullable GatewayKey find(String presentedKey) {
		byte[] digest = sha256(presentedKey);
		Entry entry = this.byDigest.get(HexFormat.of().formatHex(digest));
		return (entry != null && MessageDigest.isEqual(entry.digest, digest)) ? entry.key : null;
	}

	public int size() {
		return this.byDigest.size();
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

		/**
		 * Adds a key by its digest.
		 * @return {@code false} when a key with that digest was added before
		 */
		public boolean add(byte[] digest, GatewayKey key) {
			return this.byDigest.putIfAbsent(HexFormat.of().formatHex(digest), new Entry(digest, key)) == null;
		}

		public KeyRegistry build() {
			return new KeyRegistry(Map.copyOf(this.byDigest));
		}

	}

}
