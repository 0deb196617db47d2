package dev.switchboard.cache;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.translate.JsonTrees;

/**
 * One request's dealings with the cache: its key and route policy, the embedding of its conversation once known,
 * and the way back to the shared parts (store, semantic index, flights).
 */
final class CacheLookup {

	private final ResponseCache cache;

	private final Endpoint endpoint;

	private final String route;

	private final CachePolicy policy;

	private final CacheKey key;

	private final byte[] body;

	private final boolean stream;

	private final RuntimeConfig config;

	private volatile float @Nullable [] vector;

	CacheLookup(ResponseCache cache, RuntimeConfig config, Endpoint endpoint, String route, CachePolicy policy,
			CacheKey key, byte[] body, boolean stream) {
		this.cache = cache;
		this.config = config;
		this.endpoint = endpoint;
		this.route = route;
		this.policy = policy;
		this.key = key;
		this.body = body;
		this.stream = stream;
	}

	/** The configuration snapshot the request is pinned to (an embedding model through the gateway resolves there). */
	RuntimeConfig config() {
		return this.config;
	}

	Endpoint endpoint() {
		return this.endpoint;
	}

	String route() {
		return this.route;
	}

	CachePolicy policy() {
		return this.policy;
	}

	CacheKey key() {
		return this.key;
	}

	/** Whether the client asked for a stream. */
	boolean stream() {
		return this.stream;
	}

	/** The client's request as a tree, for answers converted to its form (parsed when needed). */
	ObjectNode request() {
		ObjectNode request = JsonTrees.parseObject(this.body);
		return (request != null) ? request : JsonTrees.object();
	}

	void vector(float[] vector) {
		this.vector = vector;
	}

	/** Whether the semantic mode can compare this request by meaning. */
	boolean comparable() {
		return this.policy.semantic() && this.key.similar() != null && this.key.text() != null;
	}

	/** Stores {@code answer} under the exact key and, in the semantic mode, its conversation in the index. */
	Mono<Void> store(CachedAnswer answer) {
		return this.cache.store(this, answer, this.vector);
	}

	void land(Flight flight) {
		this.cache.singleflight().land(flight);
	}

}
