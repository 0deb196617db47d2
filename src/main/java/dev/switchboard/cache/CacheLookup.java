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

	private final boolean refresh;

	private volatile float @Nullable [] vector;

	/**
	 * @param refresh whether the request said {@code Cache-Control: no-cache}: not looked up, and its answer stored
	 * whatever is stored already
	 */
	CacheLookup(ResponseCache cache, RuntimeConfig config, Endpoint endpoint, String route, CachePolicy policy,
			CacheKey key, byte[] body, boolean stream, boolean refresh) {
		this.cache = cache;
		this.config = config;
		this.endpoint = endpoint;
		this.route = route;
		this.policy = policy;
		this.key = key;
		this.body = body;
		this.stream = stream;
		this.refresh = refresh;
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

	/** Whether the request said {@code Cache-Control: no-cache}. */
	boolean refresh() {
		return this.refresh;
	}

	/**
	 * Whether {@code stored} may serve this request in some form: always, but a JSON answer for a streaming request
	 * on a route with {@code streams-from-json: false}, which wants the provider's own stream.
	 */
	boolean servable(CachedAnswer stored) {
		return stored.stream() || !this.stream || this.policy.streamsFromJson();
	}

	/**
	 * The key of this request's flight. With {@code streams-from-json: false} streaming requests fly apart from JSON
	 * requests of the same exact key, so that a streaming request never follows a JSON leader whose answer it may
	 * not be served (and a JSON request does not follow a streaming leader either: each form makes its own call).
	 */
	String flightKey() {
		return (this.stream && !this.policy.streamsFromJson()) ? this.key.exact() + "/stream" : this.key.exact();
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
