package dev.switchboard.cache;

import java.time.Duration;

/**
 * One route's cache settings, validated.
 *
 * @param mode exact or semantic (a route with mode none has no policy)
 * @param ttl how long its answers are kept
 * @param shared whether every gateway key of the route shares its answers; else each key has its own
 * @param threshold semantic mode: the cosine similarity at or above which a stored answer is a hit
 */
public record CachePolicy(CacheMode mode, Duration ttl, boolean shared, double threshold) {

	/** Whether a similar conversation may be served too. */
	public boolean semantic() {
		return this.mode == CacheMode.SEMANTIC;
	}

}
