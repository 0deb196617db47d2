package dev.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.switchboard.quota.LimitsProperties;
import dev.switchboard.quota.PriceProperties;
import dev.switchboard.state.StateProperties;

/**
 * The {@code switchboard.*} configuration as bound from application.yaml, extra config files and the environment.
 * <p>
 * Binding accepts almost anything; {@link RuntimeConfigCompiler} then checks the whole of it and reports every problem
 * in one message, so that a broken deployment is fixed in one edit rather than one restart per mistake.
 */
@ConfigurationProperties(SwitchboardProperties.PREFIX)
public class SwitchboardProperties {

	public static final String PREFIX = "switchboard";

	/** Gateway keys and what each may use. */
	private Auth auth = new Auth();

	/** Upstream providers by id; the id is used in routes and as the {@code provider/} prefix of a model. */
	private Map<String, Provider> providers = new LinkedHashMap<>();

	/** Model aliases and the provider targets behind each. */
	private List<Route> routes = new ArrayList<>();

	/** Request limits. */
	private Limits limits = new Limits();

	/** Whether to add providers for well-known API key variables (OPENAI_API_KEY, ...) that are set. */
	private boolean wellKnownProviders = true;

	/** Whether actuator endpoints other than health need a gateway key to read; writes always need an admin key. */
	private boolean protectActuator = false;

	/** Whether every request is logged at INFO on the dev.switchboard.access logger. */
	private boolean accessLog = true;

	/** Watching the configuration files for changes (read at start-up only). */
	private Reload reload = new Reload();

	/** CIDRs of the proxies whose X-Forwarded-For names the client, for keys' ip-allow; none by default. */
	private List<String> trustedProxies = new ArrayList<>();

	public List<String> getTrustedProxies() {
		return this.trustedProxies;
	}

	public void setTrustedProxies(List<String> trustedProxies) {
		this.trustedProxies = trustedProxies;
	}

	/** The response cache's store and defaults; a route turns caching on with its own {@code cache:}. */
	private Cache cache = new Cache();

	public Cache getCache() {
		return this.cache;
	}

	public void setCache(Cache cache) {
		this.cache = cache;
	}

	/** Guardrails by name: secret and PII redaction, masking, deny rules, webhooks (docs/guardrails.md). */
	private Map<String, dev.switchboard.guardrails.GuardrailProperties> guardrails = new LinkedHashMap<>();

	public Map<String, dev.switchboard.guardrails.GuardrailProperties> getGuardrails() {
		return this.guardrails;
	}

	public void setGuardrails(Map<String, dev.switchboard.guardrails.GuardrailProperties> guardrails) {
		this.guardrails = guardrails;
	}
	/** Where counters, spend, key records and cached answers live: local or redis. */
	private StateProperties state = new StateProperties();

	/** USD per million tokens by route alias or provider/model ("[openai/gpt-4o-mini]"), over the built-in table. */
	private Map<String, PriceProperties> prices = new LinkedHashMap<>();

	public Map<String, PriceProperties> getPrices() {
		return this.prices;
	}

	public void setPrices(Map<String, PriceProperties> prices) {
		this.prices = prices;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public void setAuth(Auth auth) {
		this.auth = auth;
	}

	public Map<String, Provider> getProviders() {
		return this.providers;
	}

	public void setProviders(Map<String, Provider> providers) {
		this.providers = providers;
	}

	public List<Route> getRoutes() {
		return this.routes;
	}

	public void setRoutes(List<Route> routes) {
		this.routes = routes;
	}

	public Limits getLimits() {
		return this.limits;
	}

	public void setLimits(Limits limits) {
		this.limits = limits;
	}

	public boolean isWellKnownProviders() {
		return this.wellKnownProviders;
	}

	public void setWellKnownProviders(boolean wellKnownProviders) {
		this.wellKnownProviders = wellKnownProviders;
	}

	public boolean isProtectActuator() {
		return this.protectActuator;
	}

	public void setProtectActuator(boolean protectActuator) {
		this.protectActuator = protectActuator;
	}

	public boolean isAccessLog() {
		return this.accessLog;
	}

	public void setAccessLog(boolean accessLog) {
		this.accessLog = accessLog;
	}

	public StateProperties getState() {
		return this.state;
	}

	public void setState(StateProperties state) {
		this.state = state;
	}

	public Reload getReload() {
		return this.reload;
	}

	public void setReload(Reload reload) {
		this.reload = reload;
	}

	public static class Auth {

		/** Gateway keys; with none, one is generated at start-up and logged once. */
		private List<Key> keys = new ArrayList<>();

		/** With a shared key store (redis): how often every replica reads all API keys again, beside pub/sub. */
		private Duration keySyncInterval = Duration.ofSeconds(5);

		public Duration getKeySyncInterval() {
			return this.keySyncInterval;
		}

		public void setKeySyncInterval(Duration keySyncInterval) {
			this.keySyncInterval = keySyncInterval;
		}

		public List<Key> getKeys() {
			return this.keys;
		}

		public void setKeys(List<Key> keys) {
			this.keys = keys;
		}

	}

	public static class Key {

		/** Name shown in metrics and logs in place of the key; defaults to {@code key-<index>}. */
		private @Nullable String name;

		/** The key itself. */
		private @Nullable String key;

		/** The SHA-256 of the key as 64 hex digits, so that the configuration holds no secret. */
		private @Nullable String keySha256;

		/** Model names or globs ({@code *}) this key may use; absent means every model. */
		private @Nullable List<String> models;

		/** Whether this key may call actuator write operations, such as forcing a configuration reload. */
		private boolean admin;

		/** admin, user (the default) or read-only; admin: true is role admin. */
		private @Nullable String role;

		/** Path patterns (/v1/chat/completions, /proxy/**) this key may call; absent means every path. */
		private @Nullable List<String> endpoints;

		/** Provider ids this key's requests may reach (aliases by their targets); absent means every provider. */
		private @Nullable List<String> providers;

		/** CIDRs (IPv4 and IPv6) the key may be used from; absent means any address. */
		private @Nullable List<String> ipAllow;

		/** ISO-8601 instant after which the key is refused with 401 key_expired. */
		private @Nullable String expiresAt;

		/** Whether the key may send its own provider credential in x-provider-api-key. */
		private boolean byo;

		public @Nullable String getRole() {
			return this.role;
		}

		public void setRole(@Nullable String role) {
			this.role = role;
		}

		public @Nullable List<String> getEndpoints() {
			return this.endpoints;
		}

		public void setEndpoints(@Nullable List<String> endpoints) {
			this.endpoints = endpoints;
		}

		public @Nullable List<String> getProviders() {
			return this.providers;
		}

		public void setProviders(@Nullable List<String> providers) {
			this.providers = providers;
		}

		public @Nullable List<String> getIpAllow() {
			return this.ipAllow;
		}

		public void setIpAllow(@Nullable List<String> ipAllow) {
			this.ipAllow = ipAllow;
		}

		public @Nullable String getExpiresAt() {
			return this.expiresAt;
		}

		public void setExpiresAt(@Nullable String expiresAt) {
			this.expiresAt = expiresAt;
		}

		public boolean isByo() {
			return this.byo;
		}

		public void setByo(boolean byo) {
			this.byo = byo;
		}

		/** Guardrails this key's requests get, besides the global ones and their route's. */
		private List<String> guardrails = new ArrayList<>();

		public List<String> getGuardrails() {
			return this.guardrails;
		}

		public void setGuardrails(List<String> guardrails) {
			this.guardrails = guardrails;
		}

		/** Rate limits, concurrency and budget of this key; unset for none. */
		private @Nullable LimitsProperties limits;

		public @Nullable LimitsProperties getLimits() {
			return this.limits;
		}

		public void setLimits(@Nullable LimitsProperties limits) {
			this.limits = limits;
		}

		public boolean isAdmin() {
			return this.admin;
		}

		public void setAdmin(boolean admin) {
			this.admin = admin;
		}

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable String getKey() {
			return this.key;
		}

		public void setKey(@Nullable String key) {
			this.key = key;
		}

		public @Nullable String getKeySha256() {
			return this.keySha256;
		}

		public void setKeySha256(@Nullable String keySha256) {
			this.keySha256 = keySha256;
		}

		public @Nullable List<String> getModels() {
			return this.models;
		}

		public void setModels(@Nullable List<String> models) {
			this.models = models;
		}

	}

	public static class Provider {

		/** Wire type: openai, azure-openai, anthropic, gemini, mock, or a catalog entry such as groq or ollama. */
		private @Nullable String type;

		/**
		 * Base URL; for openai it ends in /v1, for anthropic and azure-openai it is the host. Optional where the type
		 * has a default.
		 */
		private @Nullable String baseUrl;

		/** The provider's API key, sent upstream in the header the type expects. */
		private @Nullable String apiKey;

		/** Azure OpenAI's api-version query parameter (azure-openai only); v1 selects Azure's v1 API. */
		private @Nullable String apiVersion;

		/** Extra headers sent upstream with every request. */
		private Map<String, String> headers = new LinkedHashMap<>();

		/** Shorthand for first-byte-timeout, kept from the first release. */
		private Duration timeout = Duration.ofSeconds(60);

		/** Request sent to response headers and, for a stream, its first event; then the next target is tried. */
		private @Nullable Duration firstByteTimeout;

		/** Longest silence between stream events (or body reads) once the answer is going to the client. */
		private Duration idleTimeout = Duration.ofSeconds(60);

		/** TCP (and TLS) connect. */
		private Duration connectTimeout = Duration.ofSeconds(5);

		/** Models listed by /v1/models as {@code <provider>/<model>}. */
		private List<String> models = new ArrayList<>();

		/** This provider's circuit breaker; what is not set here comes from resilience4j's default config. */
		private CircuitBreaker circuitBreaker = new CircuitBreaker();

		/** Rate limits, concurrency and budget of this provider (protects the upstream account); unset for none. */
		private @Nullable LimitsProperties limits;

		public @Nullable LimitsProperties getLimits() {
			return this.limits;
		}

		public void setLimits(@Nullable LimitsProperties limits) {
			this.limits = limits;
		}

		public CircuitBreaker getCircuitBreaker() {
			return this.circuitBreaker;
		}

		public void setCircuitBreaker(CircuitBreaker circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
		}

		public @Nullable String getType() {
			return this.type;
		}

		public void setType(@Nullable String type) {
			this.type = type;
		}

		public @Nullable String getBaseUrl() {
			return this.baseUrl;
		}

		public void setBaseUrl(@Nullable String baseUrl) {
			this.baseUrl = baseUrl;
		}

		public @Nullable String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(@Nullable String apiKey) {
			this.apiKey = apiKey;
		}

		public @Nullable String getApiVersion() {
			return this.apiVersion;
		}

		public void setApiVersion(@Nullable String apiVersion) {
			this.apiVersion = apiVersion;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public List<String> getModels() {
			return this.models;
		}

		public void setModels(List<String> models) {
			this.models = models;
		}

		public @Nullable Duration getFirstByteTimeout() {
			return this.firstByteTimeout;
		}

		public void setFirstByteTimeout(@Nullable Duration firstByteTimeout) {
			this.firstByteTimeout = firstByteTimeout;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		/** The first-byte timeout in force: {@code first-byte-timeout}, else {@code timeout}. */
		public Duration effectiveFirstByteTimeout() {
			return (this.firstByteTimeout != null) ? this.firstByteTimeout : this.timeout;
		}

	}

	/** A provider's circuit breaker. Unset values come from {@code resilience4j.circuitbreaker.configs.default}. */
	public static class CircuitBreaker {

		/** Percentage of failed calls in the window that opens the breaker. */
		private @Nullable Float failureRateThreshold;

		/** Calls the window needs before the failure rate counts. */
		private @Nullable Integer minimumCalls;

		/** Calls the window holds (count-based). */
		private @Nullable Integer windowSize;

		/** How long an open breaker skips the provider before letting probe calls through. */
		private @Nullable Duration waitInOpen;

		/** Probe calls let through when half open; their outcome closes or re-opens the breaker. */
		private @Nullable Integer halfOpenCalls;

		/** A call that takes longer than this to its first byte counts as slow. */
		private @Nullable Duration slowCallThreshold;

		/** Percentage of slow calls in the window that opens the breaker. */
		private @Nullable Float slowCallRateThreshold;

		public @Nullable Float getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(@Nullable Float failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public @Nullable Integer getMinimumCalls() {
			return this.minimumCalls;
		}

		public void setMinimumCalls(@Nullable Integer minimumCalls) {
			this.minimumCalls = minimumCalls;
		}

		public @Nullable Integer getWindowSize() {
			return this.windowSize;
		}

		public void setWindowSize(@Nullable Integer windowSize) {
			this.windowSize = windowSize;
		}

		public @Nullable Duration getWaitInOpen() {
			return this.waitInOpen;
		}

		public void setWaitInOpen(@Nullable Duration waitInOpen) {
			this.waitInOpen = waitInOpen;
		}

		public @Nullable Integer getHalfOpenCalls() {
			return this.halfOpenCalls;
		}

		public void setHalfOpenCalls(@Nullable Integer halfOpenCalls) {
			this.halfOpenCalls = halfOpenCalls;
		}

		public @Nullable Duration getSlowCallThreshold() {
			return this.slowCallThreshold;
		}

		public void setSlowCallThreshold(@Nullable Duration slowCallThreshold) {
			this.slowCallThreshold = slowCallThreshold;
		}

		public @Nullable Float getSlowCallRateThreshold() {
			return this.slowCallRateThreshold;
		}

		public void setSlowCallRateThreshold(@Nullable Float slowCallRateThreshold) {
			this.slowCallRateThreshold = slowCallRateThreshold;
		}

	}

	public static class Route {

		/** The alias a client sends as {@code model}. */
		private @Nullable String model;

		/** Who goes first: fallback (listed order), round-robin, weighted, least-latency or least-busy. */
		private String strategy = "fallback";

		/** Provider targets, tried in order until one answers. */
		private List<Target> targets = new ArrayList<>();

		/** Guardrails this route's requests get, besides the global ones and their key's. */
		private List<String> guardrails = new ArrayList<>();

		public List<String> getGuardrails() {
			return this.guardrails;
		}

		public void setGuardrails(List<String> guardrails) {
			this.guardrails = guardrails;
		}

		/** The whole request: every attempt, retry and backoff together, and a stream to its end. */
		private Duration deadline = Duration.ofSeconds(300);

		/** Extra attempts on the same target, for failures that fall back, before the next target. */
		private int retries = 0;

		/** Silence in a stream after which a ': ping' comment is sent, so proxies keep it open; 0 for none. */
		private Duration keepAliveInterval = Duration.ofSeconds(15);

		/**
		 * Start the next target too when the current one has not produced its first byte after this long (800ms) or
		 * after this percentile of its recent first-byte times (p95); unset for no hedging.
		 */
		private @Nullable String hedgeAfter;

		/** This route's response cache: off unless its mode is exact or semantic. */
		private RouteCache cache = new RouteCache();

		public RouteCache getCache() {
			return this.cache;
		}

		public void setCache(RouteCache cache) {
			this.cache = cache;
		}

		/** Rate limits, concurrency and budget of this route; unset for none. */
		private @Nullable LimitsProperties limits;

		public @Nullable LimitsProperties getLimits() {
			return this.limits;
		}

		public void setLimits(@Nullable LimitsProperties limits) {
			this.limits = limits;
		}

		/** Output tokens reserved against limits for a request that names no max_tokens; 4096 when unset. */
		private @Nullable Long defaultMaxTokens;

		public @Nullable Long getDefaultMaxTokens() {
			return this.defaultMaxTokens;
		}

		public void setDefaultMaxTokens(@Nullable Long defaultMaxTokens) {
			this.defaultMaxTokens = defaultMaxTokens;
		}

		public @Nullable String getHedgeAfter() {
			return this.hedgeAfter;
		}

		public void setHedgeAfter(@Nullable String hedgeAfter) {
			this.hedgeAfter = hedgeAfter;
		}

		public Duration getKeepAliveInterval() {
			return this.keepAliveInterval;
		}

		public void setKeepAliveInterval(Duration keepAliveInterval) {
			this.keepAliveInterval = keepAliveInterval;
		}

		public Duration getDeadline() {
			return this.deadline;
		}

		public void setDeadline(Duration deadline) {
			this.deadline = deadline;
		}

		public int getRetries() {
			return this.retries;
		}

		public void setRetries(int retries) {
			this.retries = retries;
		}

		public @Nullable String getModel() {
			return this.model;
		}

		public void setModel(@Nullable String model) {
			this.model = model;
		}

		public String getStrategy() {
			return this.strategy;
		}

		public void setStrategy(String strategy) {
			this.strategy = strategy;
		}

		public List<Target> getTargets() {
			return this.targets;
		}

		public void setTargets(List<Target> targets) {
			this.targets = targets;
		}

	}

	public static class Target {

		/** Provider id, a key of {@code switchboard.providers}. */
		private @Nullable String provider;

		/** Model name sent to that provider. */
		private @Nullable String model;

		/** Share of first picks under the weighted strategy. */
		private int weight = 1;

		/** What to cut from requests this target rejects: drop-tools, drop-response-format. */
		private List<String> conflictResolution = new ArrayList<>();

		public List<String> getConflictResolution() {
			return this.conflictResolution;
		}

		public void setConflictResolution(List<String> conflictResolution) {
			this.conflictResolution = conflictResolution;
		}

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		/** Overrides the provider's first-byte-timeout for this target. */
		private @Nullable Duration firstByteTimeout;

		/** Overrides the provider's idle-timeout for this target. */
		private @Nullable Duration idleTimeout;

		public @Nullable Duration getFirstByteTimeout() {
			return this.firstByteTimeout;
		}

		public void setFirstByteTimeout(@Nullable Duration firstByteTimeout) {
			this.firstByteTimeout = firstByteTimeout;
		}

		public @Nullable Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public @Nullable String getProvider() {
			return this.provider;
		}

		public void setProvider(@Nullable String provider) {
			this.provider = provider;
		}

		public @Nullable String getModel() {
			return this.model;
		}

		public void setModel(@Nullable String model) {
			this.model = model;
		}

	}

	public static class Limits {

		/** Largest accepted request body, also when it arrives chunked. */
		private DataSize maxRequestBytes = DataSize.ofMegabytes(32);

		public DataSize getMaxRequestBytes() {
			return this.maxRequestBytes;
		}

		public void setMaxRequestBytes(DataSize maxRequestBytes) {
			this.maxRequestBytes = maxRequestBytes;
		}

	}

	/** {@code switchboard.cache}: where cached answers live (read at start-up only) and how long by default. */
	public static class Cache {

		/** local (Caffeine, this process) or redis (switchboard.state.redis, shared by replicas). */
		private String store = "local";

		/** local store: total bytes of cached answers, weighed by size. */
		private DataSize maxSize = DataSize.ofMegabytes(256);

		/** Time to live of a cached answer when its route sets none. */
		private Duration ttl = Duration.ofHours(1);

		public String getStore() {
			return this.store;
		}

		public void setStore(String store) {
			this.store = store;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

	/** A route's {@code cache:}. */
	public static class RouteCache {

		/** none (default), exact (the canonical request) or semantic (a similar conversation). */
		private String mode = "none";

		/** Time to live of this route's answers; switchboard.cache.ttl when unset. */
		private @Nullable Duration ttl;

		/** false: answers are cached per gateway key; true: shared by every key of the route. */
		private boolean shared = false;

		/** Semantic mode's similarity and embedding model. */
		private Semantic semantic = new Semantic();

		/**
		 * true (default): a streaming request may be served a stream told from a stored JSON answer; false: that is a
		 * miss, and the upstream's stream replaces the JSON answer.
		 */
		private boolean streamsFromJson = true;

		public String getMode() {
			return this.mode;
		}

		public void setMode(String mode) {
			this.mode = mode;
		}

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public boolean isShared() {
			return this.shared;
		}

		public void setShared(boolean shared) {
			this.shared = shared;
		}

		public Semantic getSemantic() {
			return this.semantic;
		}

		public void setSemantic(Semantic semantic) {
			this.semantic = semantic;
		}

		public boolean isStreamsFromJson() {
			return this.streamsFromJson;
		}

		public void setStreamsFromJson(boolean streamsFromJson) {
			this.streamsFromJson = streamsFromJson;
		}

	}

	/** A route's {@code cache.semantic:}. */
	public static class Semantic {

		/** Cosine similarity of the conversations' embeddings at or above which a stored answer is a hit. */
		private double threshold = 0.92;

		/** local: the in-process embedding model (all-MiniLM-L6-v2, quantized). */
		private String embedding = "local";

		public double getThreshold() {
			return this.threshold;
		}

		public void setThreshold(double threshold) {
			this.threshold = threshold;
		}

		public String getEmbedding() {
			return this.embedding;
		}

		public void setEmbedding(String embedding) {
			this.embedding = embedding;
		}

	}

	public static class Reload {

		/** Whether the configuration files the gateway started with are watched and re-read when they change. */
		private boolean watch = true;

		/** How often the files are checked when the file system sends no change events (as on some mounts). */
		private Duration interval = Duration.ofSeconds(2);

		public boolean isWatch() {
			return this.watch;
		}

		public void setWatch(boolean watch) {
			this.watch = watch;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

}
