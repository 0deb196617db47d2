package dev.switchboard.cache;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Where cached answers live. Neither method fails: a store that cannot answer (Redis down) is a miss, and an answer
 * it cannot keep is simply not kept; both are counted by the store.
 */
public interface CacheStore {

	/** The stored answer under {@code key}, or empty. */
	Mono<CachedAnswer> get(String key);

	/** Keeps {@code answer} under {@code key} for {@code ttl}. */
	Mono<Void> put(String key, CachedAnswer answer, Duration ttl);

	/** The store's name for meters and health: local or redis. */
	String name();

	/** Whether {@link #get} answers on the calling thread (in memory), so the request need not hop back to its loop. */
	default boolean inMemory() {
		return false;
	}

}
