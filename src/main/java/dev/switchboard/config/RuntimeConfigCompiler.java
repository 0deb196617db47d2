package dev.switchboard.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.ConfigurableEnvironment;

import dev.switchboard.auth.ClientAddresses;
import dev.switchboard.auth.GatewayKey;
import dev.switchboard.auth.KeyRecord;
import dev.switchboard.auth.KeyRegistry;
import dev.switchboard.auth.KeySpec;
import dev.switchboard.auth.KeyValidationException;
import dev.switchboard.auth.ModelPolicy;
import dev.switchboard.auth.Role;
import dev.switchboard.cache.CacheRules;
import dev.switchboard.guardrails.Guardrails;
import dev.switchboard.guardrails.GuardrailsCompiler;
import dev.switchboard.provider.AdapterDecorator;
import dev.switchboard.provider.Passthrough;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderAdapter;
import dev.switchboard.provider.ProviderType;
import dev.switchboard.quota.Quotas;
import dev.switchboard.provider.anthropic.AnthropicAdapter;
import dev.switchboard.provider.azure.AzureOpenAiAdapter;
import dev.switchboard.provider.gemini.GeminiAdapter;
import dev.switchboard.provider.http.UpstreamHttpClient;
import dev.switchboard.provider.mock.MockAdapter;
import dev.switchboard.provider.openai.OpenAiAdapter;
import dev.switchboard.provider.openai.OpenAiCompatibleProvider;
import dev.switchboard.routing.HedgePolicy;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RouteTable;
import dev.switchboard.routing.Strategy;
import dev.switchboard.routing.Target;
import dev.switchboard.routing.TargetStats;
import dev.switchboard.support.LimitsSpec;
import dev.switchboard.translate.TranslatingAdapter;

/**
 * Checks the bound {@link SwitchboardProperties} as a whole and compiles them into a {@link RuntimeConfig}. Every
 * problem is collected before failing, so one {@link InvalidConfigurationException} names them all.
 */
public final class RuntimeConfigCompiler {

	private static final Pattern PROVIDER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

	private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

	private static final Pattern API_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final CircuitBreakerRegistry breakers;

	/** The built-in demo, used only when no provider and no route is configured. */
	static final String DEMO_PROVIDER = "mock";

	static final String DEMO_MODEL = "mock-1";

	static final String DEMO_ROUTE = "demo";

	private final UpstreamHttpClient httpClient;

	/** The mock speaks the OpenAI format; other formats' clients reach it through translation. */
	private final ProviderAdapter mock = new TranslatingAdapter(new MockAdapter(), ProviderType.MOCK.wireFormat());

	private final AdapterDecorator decorator;

	public RuntimeConfigCompiler(CircuitBreakerRegistry breakers, UpstreamHttpClient httpClient) {
		this(breakers, httpClient, AdapterDecorator.NONE);
	}

	/**
	 * @param decorator wraps each provider's adapter (tracing does); {@link AdapterDecorator#NONE} for none
	 */
	public RuntimeConfigCompiler(CircuitBreakerRegistry breakers, UpstreamHttpClient httpClient,
			AdapterDecorator decorator) {
		this.breakers = breakers;
		this.httpClient = httpClient;
		this.decorator = decorator;
	}

	/**
	 * Compiles {@code properties}.
	 * @param generatedKey the key to accept when none is configured
	 * @throws InvalidConfigurationException listing every problem found
	 */
	public RuntimeConfig compile(SwitchboardProperties properties, ConfigurableEnvironment environment,
			String generatedKey) {
		return compile(properties, environment, generatedKey, null);
	}

	/**
	 * Compiles {@code properties} to replace {@code previous}: the latency averages, in-flight counts and round-robin
	 * positions of targets that stay the same (same route, provider and model) carry over. Circuit breakers carry
	 * over anyway: there is one per provider id in the registry.
	 * @param generatedKey the key to accept when none is configured
	 * @param previous the snapshot in force, or {@code null} at start-up
	 * @throws InvalidConfigurationException listing every problem found
	 */
	public RuntimeConfig compile(SwitchboardProperties properties, ConfigurableEnvironment environment,
			String generatedKey, @Nullable RuntimeConfig previous) {
		List<String> problems = new ArrayList<>();
		UnresolvedPlaceholders.find(environment)
			.forEach((variable, users) -> problems.add("environment variable " + variable + " is not set (needed by "
					+ String.join(", ", users) + ")"));
		Map<String, SwitchboardProperties.Provider> providerSettings = new LinkedHashMap<>(properties.getProviders());
		if (properties.isWellKnownProviders()) {
			providerSettings.putAll(WellKnownProviders.detect(environment, providerSettings));
		}
		List<SwitchboardProperties.Route> routeSettings = properties.getRoutes();
		if (providerSettings.isEmpty() && routeSettings.isEmpty()) {
			// nothing configured: the built-in demo, so the first run answers; gone as soon as anything is configured
			providerSettings.put(DEMO_PROVIDER, demoProvider());
			routeSettings = List.of(demoRoute());
		}
		Map<String, Passthrough> passthroughs = new LinkedHashMap<>();
		Map<String, Provider> providers = providers(providerSettings, problems, passthroughs);
		Map<String, RoutePlan> aliases = routes(routeSettings, providers, providerSettings.keySet(), problems,
				(previous != null) ? previous.routes().aliases() : Map.of());
		KeyRegistry keys = keys(properties.getAuth().getKeys(), generatedKey, problems);
		CacheRules cache = CacheRules.compile(properties.getCache(),
				properties.getState().storeKind() == dev.switchboard.state.StoreKind.REDIS, routeSettings,
				providerSettings.keySet(), problems);
		long maxRequestBytes = properties.getLimits().getMaxRequestBytes().toBytes();
		if (maxRequestBytes <= 0) {
			problems.add("switchboard.limits.max-request-bytes must be positive");
		}
		positive("switchboard.auth.key-sync-interval", properties.getAuth().getKeySyncInterval(), problems);
		ClientAddresses clientAddresses = ClientAddresses.direct();
		try {
			clientAddresses = ClientAddresses.trusting(properties.getTrustedProxies());
		}
		catch (IllegalArgumentException ex) {
			problems.add("switchboard.trusted-proxies: " + ex.getMessage());
		}
		Guardrails guardrails = GuardrailsCompiler.compile(properties, problems);
		properties.getState().check(SwitchboardProperties.PREFIX + ".state", problems);
		Quotas quotas = Quotas.compile(properties, providerSettings.keySet(), aliases.keySet(), problems);
		if (!problems.isEmpty()) {
			throw new InvalidConfigurationException(problems);
		}
		return new RuntimeConfig(keys, new RouteTable(aliases, providers), maxRequestBytes, properties.isProtectActuator(),
				properties.isAccessLog(), passthroughs, guardrails, quotas, clientAddresses, cache);
	}

	/** The provider of the built-in demo: answers locally, no network, no key. */
	private static SwitchboardProperties.Provider demoProvider() {
		SwitchboardProperties.Provider mock = new SwitchboardProperties.Provider();
		mock.setType(ProviderType.MOCK.id());
		mock.setModels(List.of(DEMO_MODEL));
		return mock;
	}

	/** The route of the built-in demo: {@code demo} -> {@code mock/mock-1}. */
	private static SwitchboardProperties.Route demoRoute() {
		SwitchboardProperties.Target target = new SwitchboardProperties.Target();
		target.setProvider(DEMO_PROVIDER);
		target.setModel(DEMO_MODEL);
		SwitchboardProperties.Route route = new SwitchboardProperties.Route();
		route.setModel(DEMO_ROUTE);
		route.setTargets(List.of(target));
		return route;
	}

	private Map<String, Provider> providers(Map<String, SwitchboardProperties.Provider> settings, List<String> problems,
			Map<String, Passthrough> passthroughs) {
		Map<String, Provider> providers = new LinkedHashMap<>();
		settings.forEach((id, p) -> {
			String where = "switchboard.providers." + id;
			int before = problems.size();
			if (!PROVIDER_ID.matcher(id).matches()) {
				problems.add(where + ": a provider id is letters, digits, '.', '_' and '-' (no '/')");
			}
			ProviderType type = ProviderType.of(p.getType());
			// a catalog entry (groq, ollama, ...) is an OpenAI-type provider with the entry's defaults and checks
			OpenAiCompatibleProvider known = (type == null) ? OpenAiCompatibleProvider.of(p.getType()) : null;
			if (known != null) {
				type = ProviderType.OPENAI;
			}
			if (type == null) {
				problems.add(where + ".type: " + ((p.getType() == null) ? "is required" : "unknown type '" + p.getType() + "'")
						+ " (one of " + typeNames() + ")");
			}
			String baseUrl = (type != null)
					? baseUrl(where, (known != null) ? known.baseUrl() : type.defaultBaseUrl(), p.getBaseUrl(), problems) : null;
			if (type == ProviderType.AZURE_OPENAI) {
				checkAzure(where, p, problems);
			}
			else if (p.getApiVersion() != null && type != null) {
				problems.add(where + ".api-version: only azure-openai providers take an api-version");
			}
			if (known != null && known.keyRequired() && !hasCredential(p)) {
				problems.add(where + ".api-key: a " + known.id() + " provider needs an API key"
						+ ((known.keyVariable() != null) ? " (its SDKs read " + known.keyVariable() + ")" : ""));
			}
			positive(where + ".timeout", p.getTimeout(), problems);
			positive(where + ".first-byte-timeout", p.getFirstByteTimeout(), problems);
			positive(where + ".idle-timeout", p.getIdleTimeout(), problems);
			positive(where + ".connect-timeout", p.getConnectTimeout(), problems);
			CircuitBreakerSettings.check(where + ".circuit-breaker", p.getCircuitBreaker(), problems);
			p.getHeaders().keySet().forEach(name -> {
				if (!HEADER_NAME.matcher(name).matches()) {
					problems.add(where + ".headers: '" + name + "' is not a valid header name");
				}
			});
			for (String model : p.getModels()) {
				if (model == null || model.isBlank()) {
					problems.add(where + ".models: model names must not be blank");
				}
			}
			if (problems.size() == before && type != null) {
				ProviderAdapter adapter = adapter(type, baseUrl, p, known);
				providers.put(id, new Provider(id, type, p.effectiveFirstByteTimeout(), p.getIdleTimeout(), List.copyOf(p.getModels()),
						this.decorator.decorate(id, type, adapter),
						CircuitBreakerSettings.breaker(this.breakers, id, p.getCircuitBreaker())));
				Passthrough passthrough = Passthrough.of(type, baseUrl, p.getApiKey(), p.getHeaders());
				if (passthrough != null) {
					passthroughs.put(id, passthrough);
				}
			}
		});
		return providers;
	}

	/**
	 * The adapter of a provider; a catalog entry's limits apply to the provider's own endpoints, under the
	 * translation, so a Responses API client reaches a service without {@code /responses} through Chat Completions.
	 */
	private ProviderAdapter adapter(ProviderType type, @Nullable String baseUrl, SwitchboardProperties.Provider settings,
			@Nullable OpenAiCompatibleProvider known) {
		return switch (type) {
			case OPENAI -> {
				ProviderAdapter openAi = new OpenAiAdapter(this.httpClient.withConnectTimeout(settings.getConnectTimeout()),
						baseUrl, settings.getApiKey(), settings.getHeaders());
				yield new TranslatingAdapter((known != null) ? known.restrict(openAi) : openAi, type.wireFormat());
			}
			case ANTHROPIC -> new TranslatingAdapter(new AnthropicAdapter(
					this.httpClient.withConnectTimeout(settings.getConnectTimeout()), baseUrl, settings.getApiKey(),
					settings.getHeaders()), type.wireFormat());
			case AZURE_OPENAI -> new TranslatingAdapter(new AzureOpenAiAdapter(
					this.httpClient.withConnectTimeout(settings.getConnectTimeout()), baseUrl, apiVersion(settings),
					settings.getApiKey(), settings.getHeaders()), type.wireFormat());
			case MOCK -> this.mock;
			case GEMINI -> new TranslatingAdapter(new GeminiAdapter(
					this.httpClient.withConnectTimeout(settings.getConnectTimeout()), baseUrl, settings.getApiKey(),
					settings.getHeaders()), type.wireFormat());
		};
	}

	/** The api-version of an azure-openai provider: the configured one, else the current GA version. */
	private static String apiVersion(SwitchboardProperties.Provider settings) {
		String configured = settings.getApiVersion();
		return (configured == null || configured.isBlank()) ? AzureOpenAiAdapter.DEFAULT_API_VERSION : configured.trim();
	}

	/**
	 * An azure-openai provider names its resource in {@code base-url}, carries a key or an Entra token, and has an
	 * api-version that fits in a query string.
	 */
	private static void checkAzure(String where, SwitchboardProperties.Provider p, List<String> problems) {
		String url = p.getBaseUrl();
		if (url == null || url.isBlank()) {
			problems.add(where + ".base-url: an azure-openai provider needs its resource endpoint, "
					+ "https://<resource>.openai.azure.com");
		}
		else if (url.contains("/openai/") || url.replaceAll("/+$", "").endsWith("/openai")) {
			problems.add(where + ".base-url: '" + url.trim() + "' should be the resource endpoint only, "
					+ "https://<resource>.openai.azure.com: the gateway adds /openai/deployments/...");
		}
		if (!hasCredential(p)) {
			problems.add(where + ".api-key: an azure-openai provider needs an api-key, or a Microsoft Entra token as "
					+ "headers.Authorization: Bearer <token>");
		}
		String version = p.getApiVersion();
		if (version != null && !API_VERSION.matcher(version.trim()).matches()) {
			problems.add(where + ".api-version: '" + version + "' is not an api-version (2024-10-21, "
					+ "2025-04-01-preview or v1)");
		}
	}

	/** Whether a provider has a key, or a configured Authorization header that takes its place. */
	private static boolean hasCredential(SwitchboardProperties.Provider p) {
		if (p.getApiKey() != null && !p.getApiKey().isBlank()) {
			return true;
		}
		return p.getHeaders().keySet().stream().anyMatch("Authorization"::equalsIgnoreCase);
	}

	/** The base URL without a trailing slash, or the default; problems for anything else. */
	private static @Nullable String baseUrl(String where, @Nullable String defaultUrl, @Nullable String configured,
			List<String> problems) {
		String url = (configured == null || configured.isBlank()) ? defaultUrl : configured.trim();
		if (url == null) {
			return null;
		}
		if (url.contains("${")) {
			return null; // reported as a missing variable
		}
		try {
			URI uri = new URI(url);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
				problems.add(where + ".base-url: '" + url + "' is not an absolute http(s) URL");
				return null;
			}
			if (uri.getQuery() != null || uri.getFragment() != null) {
				problems.add(where + ".base-url: '" + url + "' must not have a query or fragment");
				return null;
			}
		}
		catch (URISyntaxException ex) {
			problems.add(where + ".base-url: '" + url + "' is not a valid URL (" + ex.getReason() + ")");
			return null;
		}
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	private static Map<String, RoutePlan> routes(List<SwitchboardProperties.Route> routes, Map<String, Provider> providers,
			Set<String> configuredIds, List<String> problems, Map<String, RoutePlan> previous) {
		Map<String, RoutePlan> aliases = new LinkedHashMap<>();
		for (int i = 0; i < routes.size(); i++) {
			SwitchboardProperties.Route route = routes.get(i);
			String where = "switchboard.routes[" + i + "]";
			String alias = route.getModel();
			if (alias == null || alias.isBlank()) {
				problems.add(where + ".model: a route needs the alias clients send as 'model'");
			}
			else if (aliases.containsKey(alias)) {
				problems.add(where + ".model: duplicate route alias '" + alias + "'");
			}
			Strategy strategy = Strategy.of(route.getStrategy());
			if (strategy == null) {
				problems.add(where + ".strategy: unknown strategy '" + route.getStrategy()
						+ "' (one of fallback, round-robin, weighted, least-latency, least-busy)");
			}
			if (route.getTargets().isEmpty()) {
				problems.add(where + ".targets: a route needs at least one target");
			}
			List<Target> targets = new ArrayList<>();
			RoutePlan before = (alias != null) ? previous.get(alias) : null;
			for (int t = 0; t < route.getTargets().size(); t++) {
				SwitchboardProperties.Target target = route.getTargets().get(t);
				String at = where + ".targets[" + t + "]";
				Provider provider = (target.getProvider() != null) ? providers.get(target.getProvider()) : null;
				if (target.getProvider() == null || target.getProvider().isBlank()) {
					problems.add(at + ".provider is required");
				}
				else if (!configuredIds.contains(target.getProvider())) {
					problems.add(at + ".provider: unknown provider '" + target.getProvider() + "' (configured: "
							+ String.join(", ", configuredIds) + ")");
				}
				if (target.getModel() == null || target.getModel().isBlank()) {
					problems.add(at + ".model is required");
				}
				else if (provider != null) {
					positive(at + ".first-byte-timeout", target.getFirstByteTimeout(), problems);
					positive(at + ".idle-timeout", target.getIdleTimeout(), problems);
					if (target.getWeight() < 1) {
						problems.add(at + ".weight must be at least 1");
					}
					targets.add(new Target(provider, target.getModel(),
							(target.getFirstByteTimeout() != null) ? target.getFirstByteTimeout() : provider.firstByteTimeout(),
							(target.getIdleTimeout() != null) ? target.getIdleTimeout() : provider.idleTimeout(),
							Math.max(1, target.getWeight()), stats(before, provider.id(), target.getModel()),
							dropFields(at, target.getConflictResolution(), problems)));
				}
			}
			positive(where + ".deadline", route.getDeadline(), problems);
			if (route.getKeepAliveInterval() == null || route.getKeepAliveInterval().isNegative()) {
				problems.add(where + ".keep-alive-interval must be zero (off) or positive");
			}
			if (route.getRetries() < 0 || route.getRetries() > 10) {
				problems.add(where + ".retries must be between 0 and 10");
			}
			HedgePolicy hedge = null;
			if (route.getHedgeAfter() != null && !route.getHedgeAfter().isBlank()) {
				try {
					hedge = HedgePolicy.parse(route.getHedgeAfter());
				}
				catch (IllegalArgumentException ex) {
					problems.add(where + ".hedge-after: " + ex.getMessage());
				}
			}
			if (alias != null && !alias.isBlank() && !aliases.containsKey(alias)) {
				aliases.put(alias, new RoutePlan(alias, List.copyOf(targets), route.getDeadline(), route.getRetries(),
						(strategy != null) ? strategy : Strategy.FALLBACK,
						(before != null) ? before.counter() : new java.util.concurrent.atomic.AtomicInteger(),
						route.getKeepAliveInterval(), hedge));
			}
		}
		return aliases;
	}

	/** The stats of the same target in the route's previous plan, so a reload keeps what was measured. */
	private static TargetStats stats(@Nullable RoutePlan before, String provider, String model) {
		if (before != null) {
			for (Target target : before.targets()) {
				if (target.provider().id().equals(provider) && target.model().equals(model)) {
					return target.stats();
				}
			}
		}
		return new TargetStats();
	}

	private KeyRegistry keys(List<SwitchboardProperties.Key> keys, String generatedKey, List<String> problems) {
		KeyRegistry.Builder registry = KeyRegistry.builder();
		java.time.Instant now = java.time.Instant.now();
		if (keys.isEmpty()) {
			byte[] digest = KeyRegistry.sha256(generatedKey);
			registry.add(digest, new GatewayKey("generated", ModelPolicy.any(), true),
					new KeyRecord("generated", HexFormat.of().formatHex(digest),
							generatedKey.substring(generatedKey.length() - 4), KeySpec.DEFAULT.withRole(Role.ADMIN),
							KeyRecord.CONFIG, now, now, null, null));
			return registry.build();
		}
		Set<String> names = new HashSet<>();
		for (int i = 0; i < keys.size(); i++) {
			SwitchboardProperties.Key key = keys.get(i);
			String where = "switchboard.auth.keys[" + i + "]";
			String name = (key.getName() == null || key.getName().isBlank()) ? "key-" + i : key.getName();
			if (!names.add(name)) {
				problems.add(where + ".name: duplicate key name '" + name + "'");
			}
			boolean hasKey = key.getKey() != null && !key.getKey().isEmpty();
			boolean hasDigest = key.getKeySha256() != null && !key.getKeySha256().isEmpty();
			if (hasKey == hasDigest) {
				problems.add(where + ": set exactly one of key and key-sha256");
				continue;
			}
			byte[] digest;
			if (hasKey) {
				if (key.getKey().contains("${")) {
					continue; // reported as a missing variable
				}
				digest = KeyRegistry.sha256(key.getKey());
			}
			else if (!SHA256_HEX.matcher(key.getKeySha256()).matches()) {
				problems.add(where + ".key-sha256: must be 64 hex digits (the SHA-256 of the key)");
				continue;
			}
			else {
				digest = HexFormat.of().parseHex(key.getKeySha256());
			}
			Role role = key.isAdmin() ? Role.ADMIN : Role.USER;
			if (key.getRole() != null) {
				Role named = Role.of(key.getRole());
				if (named == null || (key.isAdmin() && named != Role.ADMIN)) {
					problems.add(where + ".role: " + ((named == null) ? "unknown role '" + key.getRole() + "' ("
							+ Role.names() + ")" : "contradicts admin: true"));
					continue;
				}
				role = named;
			}
			try {
				// the key carries its limits to the quota slot, which checked them (Quotas.compile) with the same rules
				LimitsSpec limits = (key.getLimits() != null) ? key.getLimits().toSpec() : null;
				KeySpec spec = new KeySpec(role, key.getModels(), key.getEndpoints(), key.getProviders(),
						key.getIpAllow(), (key.getExpiresAt() != null) ? KeySpec.instant(key.getExpiresAt()) : null,
						key.isByo(), (limits != null && !limits.isEmpty()) ? limits : null,
						KeySpec.names(key.getGuardrails()), null);
				GatewayKey compiled = spec.compile(name);
				String hex = HexFormat.of().formatHex(digest);
				String last4 = hasKey ? key.getKey().substring(Math.max(0, key.getKey().length() - 4)) : null;
				KeyRecord record = new KeyRecord(name, hex, last4, spec, KeyRecord.CONFIG, now,
						now, null, null);
				if (!registry.add(digest, compiled, record)) {
					problems.add(where + ": the same key is configured twice");
				}
			}
			catch (KeyValidationException ex) {
				problems.add(where + "." + ex.field() + ": " + ex.getMessage());
			}
		}
		return registry.build();
	}

	/** The request fields a target's {@code conflict-resolution} cuts out. */
	private static Set<String> dropFields(String where, List<String> resolutions, List<String> problems) {
		Set<String> fields = new java.util.HashSet<>();
		for (String resolution : resolutions) {
			switch (resolution.trim().toLowerCase(Locale.ROOT)) {
				case "drop-tools" -> fields.addAll(List.of("tools", "tool_choice", "parallel_tool_calls"));
				case "drop-response-format" -> fields.add("response_format");
				default -> problems.add(where + ".conflict-resolution: unknown value '" + resolution
						+ "' (drop-tools, drop-response-format)");
			}
		}
		return Set.copyOf(fields);
	}

	/** Adds a problem when {@code value} is set and not positive. */
	private static void positive(String where, @Nullable Duration value, List<String> problems) {
		if (value != null && (value.isNegative() || value.isZero())) {
			problems.add(where + " must be positive");
		}
	}

	private static String typeNames() {
		StringBuilder names = new StringBuilder();
		for (ProviderType type : ProviderType.values()) {
			names.append((names.length() == 0) ? "" : ", ").append(type.id());
		}
		for (String id : OpenAiCompatibleProvider.ids()) {
			names.append(", ").append(id);
		}
		return names.toString();
	}

}
