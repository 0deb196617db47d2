package dev.switchboard.support;

/**
 * Keys of the per-request state kept in exchange attributes. Capabilities meet here rather than in each other's
 * classes: the body filter puts the parsed request, the router the plan, the dispatcher the attempt log.
 */
public final class GatewayAttributes {

	/** {@code String}: the request id echoed in {@code x-request-id}. */
	public static final String REQUEST_ID = qualify("requestId");

	/** {@code GatewayKey}: the authenticated caller. */
	public static final String GATEWAY_KEY = qualify("gatewayKey");

	/** {@code RuntimeConfig}: the configuration snapshot this request runs on from start to end. */
	public static final String RUNTIME_CONFIG = qualify("runtimeConfig");

	/** {@code JsonRequest}: the request body, read once, with its {@code model} located. */
	public static final String JSON_REQUEST = qualify("jsonRequest");

	/**
	 * {@code String}: the {@code model} of an AI request's body, put before route lookup so that route predicates
	 * ({@code Model=...}) are attribute checks. Absent when the body was not read or had no usable model.
	 */
	public static final String MODEL = qualify("model");

	/** {@code Boolean}: whether the body asked for a stream; put with {@link #MODEL}. */
	public static final String STREAM = qualify("stream");

	/** {@code Endpoint}: the AI endpoint the request's method and path name; absent for any other request. */
	public static final String ENDPOINT = qualify("endpoint");

	/**
	 * {@code GatewayException}: why the body could not be taken (media type, size, JSON), kept from before route
	 * lookup until the body slot, so that an unauthenticated caller still gets {@code 401} first.
	 */
	public static final String BODY_ERROR = qualify("bodyError");

	/** {@code RoutePlan}: the targets to try, in order. */
	public static final String ROUTE_PLAN = qualify("routePlan");

	/** {@code AttemptLog}: what each upstream attempt did. */
	public static final String ATTEMPT_LOG = qualify("attemptLog");

	/** {@code Answer}: the upstream answer that went to the client. */
	public static final String ANSWER = qualify("answer");

	/** {@code Boolean}: set when a stream that had started ended with an in-band error instead of its last event. */
	public static final String STREAM_INTERRUPTED = qualify("streamInterrupted");

	/**
	 * {@code TokenUsage}: the tokens of the answer as far as they are known, put by whoever reads them (the quota
	 * slot's usage reader on a live answer, the cache slot on a hit, which reports the original answer's usage).
	 */
	public static final String USAGE = qualify("usage");

	/**
	 * {@code Boolean}: set by the cache slot when the answer is served from the cache; quota counts the request but
	 * neither its tokens nor any spend, and meters and the access log mark it cached.
	 */
	public static final String CACHE_HIT = qualify("cacheHit");

	/**
	 * {@code String}: why this answer must not be stored for anyone else (a guardrail restored masked values for this
	 * client only, say); set by any capability before the answer ends, read by the cache slot.
	 */
	public static final String NOT_CACHEABLE = qualify("notCacheable");

	/**
	 * {@code Long}: what the answer cost in millionths of a US dollar, put by the quota slot with {@link #USAGE} (0 on
	 * a cache hit or for a model without a price).
	 */
	public static final String COST_MICRO_USD = qualify("costMicroUsd");

	/** {@code Long}: {@link System#nanoTime()} when the gateway received the request. */
	public static final String START_NANOS = qualify("startNanos");

	/** The gateway's own time to the answer (Long nanoseconds), set when the answer is committed. */
	public static final String OVERHEAD_NANOS = qualify("overheadNanos");

	private GatewayAttributes() {
	}

	private static String qualify(String name) {
		return GatewayAttributes.class.getName() + "." + name;
	}

}
