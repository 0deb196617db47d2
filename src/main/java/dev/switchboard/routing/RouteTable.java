package dev.switchboard.routing;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.provider.Provider;

/**
 * Resolves a requested model: a route alias first; else {@code <provider-id>/<model>} sent straight to that provider
 * (split at the first {@code /}, since model names may contain more); else nothing.
 */
public final class RouteTable {

	private final Map<String, RoutePlan> aliases;

	private final Map<String, Provider> providers;

	/** {@code <provider>/*} route names, built once so resolution allocates only the plan. */
	private final Map<String, String> directRouteNames;

	public RouteTable(Map<String, RoutePlan> aliases, Map<String, Provider> providers) {
		this.aliases = Map.copyOf(aliases);
		this.providers = Map.copyOf(providers);
		this.directRouteNames = providers.keySet()
			.stream()
			.collect(java.util.stream.Collectors.toUnmodifiableMap(id -> id, id -> id + "/*"));
	}

	/** The plan for {@code model}, or {@code null} when no alias or provider matches. */
	public @Nullable RoutePlan resolve(String model) {
		RoutePlan alias = this.aliases.get(model);
		if (alias != null) {
			return alias;
		}
		Provider provider = directProvider(model);
		if (provider == null) {
			return null;
		}
		int slash = model.indexOf('/');
		return new RoutePlan(this.directRouteNames.get(model.substring(0, slash)),
				List.of(Target.of(provider, model.substring(slash + 1))), RoutePlan.DEFAULT_DEADLINE, 0);
	}

	/** Whether {@code model} is a route alias. */
	public boolean isAlias(String model) {
		return this.aliases.containsKey(model);
	}

	/**
	 * The configured provider that {@code <provider>/<model>} names (split at the first {@code /}, a model after it
	 * required), or {@code null}.
	 */
	public @Nullable Provider directProvider(String model) {
		int slash = model.indexOf('/');
		if (slash <= 0 || slash == model.length() - 1) {
			return null;
		}
		return this.providers.get(model.substring(0, slash));
	}

	/** Route aliases, in no particular order. */
	public Map<String, RoutePlan> aliases() {
		return this.aliases;
	}

	public Map<String, Provider> providers() {
		return this.providers;
	}

}
