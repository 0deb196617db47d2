package dev.switchboard.cache;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

import dev.switchboard.provider.Endpoint;

/**
 * Exact cache keys of request bodies seen before, by the SHA-256 of their bytes as sent: the same prompt sent again,
 * byte for byte (the cache's own case: agents and pipelines repeating themselves), skips what {@link CacheKey#of}
 * costs, the parse to a tree, the canonical form and its digest (9% of a hit's CPU samples before). A body that
 * differs in any byte (another order of keys, a space) is keyed afresh and lands on the same canonical key. Bounded;
 * semantic keys, which carry the conversation's text, are not kept.
 */
final class CanonicalKeys {

	static final int MAX_ENTRIES = 10_000;

	private final Cache<Seen, Optional<CacheKey>> seen = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

	/** As {@link CacheKey#of}, from memory for a body seen before on the same route, endpoint and owner. */
	@Nullable CacheKey of(Endpoint endpoint, String route, @Nullable String owner, boolean stream, byte[] body,
			boolean semantic) {
		if (semantic) {
			return CacheKey.of(endpoint, route, owner, stream, body, true);
		}
		Seen bytes = new Seen(endpoint, route, owner, stream, ByteBuffer.wrap(sha256(body)));
		return this.seen.get(bytes, k -> Optional.ofNullable(CacheKey.of(endpoint, route, owner, stream, body, false)))
			.orElse(null);
	}

	private static byte[] sha256(byte[] body) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(body);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

	/** What a key depends on besides the bytes: the same bytes on another route or for another key are another key. */
	private record Seen(Endpoint endpoint, String route, @Nullable String owner, boolean stream, ByteBuffer digest) {
	}

}
