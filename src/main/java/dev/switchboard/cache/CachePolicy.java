package dev.switchboard.cache;

import java.time.Duration;

/**
 * One route's cache settings, validated.
 *
 * @param mode exact or semantic (a route with mode none has no policy)
 * @param ttl how long its answers are kept
 * @param shared whether every gateway key of the route shares its answers; else each key has its own
 * @param threshold semantic mode: the cosine similarity at or above which a stored answer is a hit
 * @param embedding semantic mode: {@code local}, or the alias or {@code provider/model} the gateway serves that
 * embeds the conversation
 * @param streamsFromJson whether a streaming request may be served a stream told from a stored JSON answer; when not,
 * that request is a miss and its upstream stream replaces the JSON answer
 */
public record CachePolicy(CacheMode mode, Duration ttl, boolean shared, double threshold, String embedding,
		boolean streamsFromJson) {

	/** A policy whose semantic mode, if any, embeds in the JVM, and whose JSON answers serve streams too. */
	public CachePolicy(CacheMode mode, Duration ttl, boolean shared, double threshold) {
		this(mode, ttl, shared, threshold, CacheRules.LOCAL_EMBEDDING, true);
	}

	/** Whether the embedding model runs in the gateway's JVM. */
	public boolean localEmbedding() {
		return CacheRules.LOCAL_EMBEDDING.equals(this.embedding);
	}

	/** Whether a similar conversation may be served too. */
	public boolean semantic() {
		return this.mode == CacheMode.SEMANTIC;
	}

}
