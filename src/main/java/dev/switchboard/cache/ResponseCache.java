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

	private final GatewayEmbedder gateway = new GatewayEmbedder();

	private final CacheMetrics metrics;

	/**
	 * @param embedder the in-process embedding model, or {@code null} for none
	 */
	ResponseCache(CacheStore store, @Nullable Embedder embedder, CacheMetrics metrics) {
		this.store = store;
		this.embedder = embedder;
		this.metrics = metrics;
		metrics.flights(this.singleflight);
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
		if (!lookup.comparable()) {
			return Mono.empty();
		}
		long start = System.nanoTime();
		String group = group(lookup);
		return embed(lookup)
			.mapNotNull(vector -> {
				lookup.vector(vector);
				SemanticIndex.Match match = this.index.find(group, vector, lookup.policy().threshold());
				this.metrics.semanticLookup(lookup.route(), System.nanoTime() - start);
				return (match != null) ? match.exactKey() : null;
			})
			.flatMap(this.store::get);
	}

	/** The conversation's embedding by the route's model: the local one, or one the gateway serves. */
	private Mono<float[]> embed(CacheLookup lookup) {
		String text = Objects.requireNonNull(lookup.key().text());
		if (lookup.policy().localEmbedding()) {
			return (this.embedder != null) ? this.embedder.embed(text) : Mono.empty();
		}
		return this.gateway.embed(lookup.config(), lookup.policy().embedding(), text);
	}

	/**
	 * Puts {@code answer} in the store. With {@code streams-from-json: false} a JSON answer does not replace a
	 * stream stored under its key meanwhile (a streaming and a JSON request of the key were in flight at once, each
	 * in a flight of its own): the stream serves both forms, the JSON answer only one. A {@code no-cache}
	 * request's answer replaces whatever is stored, as that request asked.
	 */
	private Mono<Void> keep(CacheLookup lookup, CachedAnswer answer) {
		String key = lookup.key().exact();
		Mono<Void> put = Mono.defer(() -> this.store.put(key, answer, lookup.policy().ttl()));
		if (answer.stream() || lookup.policy().streamsFromJson() || lookup.refresh()
				|| !AnswerForms.convertible(lookup.endpoint())) {
			return put;
		}
		// Boolean: whether a stream is stored under the key
		return this.store.get(key).map(CachedAnswer::stream).defaultIfEmpty(false)
			.flatMap(streamStored -> streamStored ? Mono.<Void>empty() : put);
	}

	/** Vectors of different models are never compared: the model is part of the group. */
	private static String group(CacheLookup lookup) {
		return lookup.policy().embedding() + "\n" + Objects.requireNonNull(lookup.key().similar());
	}

	Mono<Void> store(CacheLookup lookup, CachedAnswer answer, float @Nullable [] vector) {
		Mono<Void> put = keep(lookup, answer);
		if (!lookup.comparable()) {
			return put;
		}
		String group = group(lookup);
		Mono<float[]> embedding = (vector != null) ? Mono.just(vector) : embed(lookup);
		// indexed once stored, on its own: the request's followers need not wait for an embedding
		return put.doOnSuccess(done -> embedding
			.subscribe(known -> this.index.add(group, known, lookup.key().exact(), lookup.policy().ttl())));
	}

}
