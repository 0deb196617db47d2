package dev.switchboard.cache;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import reactor.core.publisher.Mono;

/**
 * Answers in this process's memory: a Caffeine cache bounded by the bytes it holds ({@code switchboard.cache.max-size},
 * answers weighed by size, the least valuable evicted first) with each entry's own time to live. Lookups are
 * in-memory and answer on the calling thread.
 */
final class LocalCacheStore implements CacheStore {

	private final Cache<String, Entry> entries;

	LocalCacheStore(long maxBytes) {
		this.entries = Caffeine.newBuilder()
			.maximumWeight(maxBytes)
			.weigher((String key, Entry entry) -> entry.answer().weight() + key.length())
			.expireAfter(Expiry.creating((String key, Entry entry) -> entry.ttl()))
			.build();
	}

	@Override
	public Mono<CachedAnswer> get(String key) {
		Entry entry = this.entries.getIfPresent(key);
		return (entry != null) ? Mono.just(entry.answer()) : Mono.empty();
	}

	@Override
	public Mono<Void> put(String key, CachedAnswer answer, Duration ttl) {
		this.entries.put(key, new Entry(answer, ttl));
		return Mono.empty();
	}

	@Override
	public String name() {
		return "local";
	}

	@Override
	public boolean inMemory() {
		return true;
	}

	/** Entries held, for the meters. */
	long size() {
		return this.entries.estimatedSize();
	}

	/** Bytes held, for the meters. */
	long bytes() {
		return this.entries.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0L)).orElse(0L);
	}

	private record Entry(CachedAnswer answer, Duration ttl) {
	}

}
