package dev.switchboard.cache;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The parts of the cache shared by every request: the store, the semantic index and its embedding model, the
 * flights in progress and the meters.
 */
final class ResponseCache {

	private final CacheStore store;

	private final @Nullable Embedder embedder;

	private final SemanticIndex index = new SemanticIndex();

	private final Singleflight singleflight = new Singleflight();

	private final ConvertedForms forms = new ConvertedForms();

	private final CacheMetrics metrics;

	/**
	 * @param embedder the embedding model of the semantic mode, or {@code null} when no route uses it
	 */
	ResponseCache(CacheStore store, @Nullable Embedder embedder, CacheMetrics metrics) {
		this.store = store;
		this.embedder = embedder;
		this.metrics = metrics;
	}

	CacheStore store() {
		return this.store;
	}

	Singleflight singleflight() {
		return this.singleflight;
	}

	CacheMetrics metrics() {
		return this.metrics;
	}

	ConvertedForms forms() {
		return this.forms;
	}

	/**
	 * The stored answer most similar to the request's conversation, at or above the route's threshold; the request's
	 * embedding is kept on it for storing its own answer later. Empty when none is, or when the embedding could not
	 * be made now.
	 */
	Mono<CachedAnswer> similar(CacheLookup lookup) {
		Embedder embedder = this.embedder;
		if (embedder == null || !lookup.comparable()) {
			return Mono.empty();
		}
		long start = System.nanoTime();
		String group = Objects.requireNonNull(lookup.key().similar());
		return embedder.embed(Objects.requireNonNull(lookup.key().text()))
			.mapNotNull(vector -> {
				lookup.vector(vector);
				SemanticIndex.Match match = this.index.find(group, vector, lookup.policy().threshold());
				this.metrics.semanticLookup(lookup.route(), System.nanoTime() - start);
				return (match != null) ? match.exactKey() : null;
			})
			.flatMap(this.store::get);
	}

	Mono<Void> store(CacheLookup lookup, CachedAnswer answer, float @Nullable [] vector) {
		Mono<Void> put = this.store.put(lookup.key().exact(), answer, lookup.policy().ttl());
		if (!lookup.comparable() || this.embedder == null) {
			return put;
		}
		String group = Objects.requireNonNull(lookup.key().similar());
		Mono<float[]> embedding = (vector != null) ? Mono.just(vector)
				: this.embedder.embed(Objects.requireNonNull(lookup.key().text()));
		// indexed once stored, on its own: the request's followers need not wait for an embedding
		return put.doOnSuccess(done -> embedding
			.subscribe(known -> this.index.add(group, known, lookup.key().exact(), lookup.policy().ttl())));
	}

}
