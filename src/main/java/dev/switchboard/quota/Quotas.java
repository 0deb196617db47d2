package dev.switchboard.quota;

import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.support.LimitsSpec;

/**
 * The compiled limits and prices of one configuration snapshot: {@code limits} of keys (by key name), of routes (by
 * alias) and of providers (by id), {@code switchboard.prices} over the built-in table, and each route's
 * {@code default-max-tokens}.
 *
 * @param keys limits of the configured keys by name, for {@code /actuator/quotas} (a request's key limits are the ones
 * its {@code GatewayKey} carries, compiled by {@link KeyLimits}, the same for configured and API keys)
 * @param routes limits by route alias
 * @param providers limits by provider id
 * @param prices what each model costs
 * @param defaultMaxTokens by route alias, the output tokens reserved for a request that sets no maximum
 */
public record Quotas(Map<String, Limit> keys, Map<String, Limit> routes, Map<String, Limit> providers, Prices prices,
		Map<String, Long> defaultMaxTokens) {

	/** Output tokens reserved for a request that names no maximum, on a route that sets no default. */
	public static final long DEFAULT_MAX_TOKENS = 4096;

	public static final Quotas NONE = new Quotas(Map.of(), Map.of(), Map.of(), Prices.builtIn(), Map.of());

	public Quotas {
		keys = Map.copyOf(keys);
		routes = Map.copyOf(routes);
		providers = Map.copyOf(providers);
		defaultMaxTokens = Map.copyOf(defaultMaxTokens);
	}

	/** Output tokens to reserve on {@code route} when the request names no maximum. */
	public long defaultMaxTokens(@Nullable String route) {
		Long configured = (route != null) ? this.defaultMaxTokens.get(route) : null;
		return (configured != null) ? configured : DEFAULT_MAX_TOKENS;
	}

	/** Every limit configured, keys first, then routes, then providers. */
	public List<Limit> all() {
		List<Limit> all = new java.util.ArrayList<>(this.keys.values());
		all.addAll(this.routes.values());
		all.addAll(this.providers.values());
		return all;
	}

	/**
	 * Checks and compiles the limits and prices of {@code properties}; adds a problem for each value that cannot
	 * work (a limit that is zero or negative, an unknown period, a price for nothing configured).
	 * @param providerIds the providers configured (well-known ones included)
	 * @param aliases the route aliases configured
	 */
	public static Quotas compile(SwitchboardProperties properties, Set<String> providerIds, Set<String> aliases,
			List<String> problems) {
		Map<String, Limit> keys = new LinkedHashMap<>();
		List<SwitchboardProperties.Key> keySettings = properties.getAuth().getKeys();
		for (int i = 0; i < keySettings.size(); i++) {
			SwitchboardProperties.Key key = keySettings.get(i);
			// the key's name as auth names it (key-<i> when unset)
			String name = (key.getName() == null || key.getName().isBlank()) ? "key-" + i : key.getName();
			Limit limit = limit(Scope.KEY, name, key.getLimits(), "switchboard.auth.keys[" + i + "].limits", problems);
			if (limit != null) {
				keys.put(name, limit);
			}
		}
		Map<String, Limit> routes = new LinkedHashMap<>();
		Map<String, Long> defaultMaxTokens = new LinkedHashMap<>();
		List<SwitchboardProperties.Route> routeSettings = properties.getRoutes();
		for (int i = 0; i < routeSettings.size(); i++) {
			SwitchboardProperties.Route route = routeSettings.get(i);
			String where = "switchboard.routes[" + i + "]";
			String alias = route.getModel();
			Long maxTokens = route.getDefaultMaxTokens();
			if (maxTokens != null && maxTokens <= 0) {
				problems.add(where + ".default-max-tokens must be positive");
			}
			if (alias == null || alias.isBlank()) {
				continue; // reported with the routes
			}
			if (maxTokens != null && maxTokens > 0) {
				defaultMaxTokens.put(alias, maxTokens);
			}
			Limit limit = limit(Scope.ROUTE, alias, route.getLimits(), where + ".limits", problems);
			if (limit != null) {
				routes.put(alias, limit);
			}
		}
		Map<String, Limit> providers = new LinkedHashMap<>();
		properties.getProviders().forEach((id, provider) -> {
			Limit limit = limit(Scope.PROVIDER, id, provider.getLimits(), "switchboard.providers." + id + ".limits",
					problems);
			if (limit != null) {
				providers.put(id, limit);
			}
		});
		return new Quotas(keys, routes, providers, prices(properties.getPrices(), providerIds, aliases, problems),
				defaultMaxTokens);
	}

	private static @Nullable Limit limit(Scope scope, String name, @Nullable LimitsProperties settings, String where,
			List<String> problems) {
		if (settings == null) {
			return null;
		}
		LimitsSpec spec = settings.toSpec();
		List<LimitsSpec.Problem> found = spec.problems();
		found.forEach(problem -> problems.add(where + "." + problem.message()));
		return found.isEmpty() ? limit(scope, name, spec) : null;
	}

	/**
	 * The compiled limit of {@code spec}, which must be valid ({@link LimitsSpec#problems()} empty), or {@code null}
	 * when it limits nothing.
	 */
	static @Nullable Limit limit(Scope scope, String name, LimitsSpec spec) {
		Limit.Budget budget = null;
		LimitsSpec.Budget b = spec.budget();
		if (b != null) {
			BudgetPeriod period = BudgetPeriod.of(b.period());
			long microUsd = (b.usd() != null) ? b.usd().movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValue()
					: 0;
			long tokens = (b.tokens() != null) ? b.tokens() : 0;
			if (period != null && (microUsd > 0 || tokens > 0)) {
				budget = new Limit.Budget(microUsd, (microUsd > 0) ? 0 : tokens, period,
						(b.warnAt() != null) ? b.warnAt() : 0);
			}
		}
		long rpm = orZero(spec.requestsPerMinute());
		long tpm = orZero(spec.tokensPerMinute());
		long concurrent = orZero(spec.concurrentRequests());
		if (rpm == 0 && tpm == 0 && concurrent == 0 && budget == null) {
			return null;
		}
		return new Limit(scope, name, rpm, tpm, concurrent, budget);
	}

	private static long orZero(@Nullable Long value) {
		return (value != null && value > 0) ? value : 0;
	}

	private static Prices prices(Map<String, PriceProperties> settings, Set<String> providerIds, Set<String> aliases,
			List<String> problems) {
		Map<String, Price> prices = new LinkedHashMap<>();
		settings.forEach((name, price) -> {
			String where = "switchboard.prices[" + name + "]";
			int slash = name.indexOf('/');
			boolean known = aliases.contains(name)
					|| (slash > 0 && slash < name.length() - 1 && providerIds.contains(name.substring(0, slash)));
			if (!known) {
				problems.add(where + ": prices a route alias or a provider/model of a configured provider; '" + name
						+ "' is neither (a key with a '/' needs brackets: \"[openai/gpt-4o-mini]\")");
			}
			if (price.getInput() == null || price.getOutput() == null) {
				problems.add(where + ": needs input and output (USD per million tokens)");
				return;
			}
			if (price.getInput() < 0 || price.getOutput() < 0
					|| (price.getCachedInput() != null && price.getCachedInput() < 0)) {
				problems.add(where + ": prices must not be negative");
				return;
			}
			prices.put(name, new Price(price.getInput(), price.getOutput(),
					(price.getCachedInput() != null) ? price.getCachedInput() : price.getInput()));
		});
		return new Prices(prices);
	}

}
