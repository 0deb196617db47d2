package dev.switchboard.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.config.SwitchboardProperties;

/**
 * The cache settings of every route of a configuration snapshot, by route alias. Compiled with the rest of the
 * configuration, so that a bad value fails start-up or a reload with every other problem, and reloaded with it.
 * <p>
 * The store itself ({@code switchboard.cache.store}, {@code max-size}) is read once at start-up; a reload that changes
 * it is checked but takes effect on the next start.
 */
public final class CacheRules {

	/** No route cached. */
	public static final CacheRules NONE = new CacheRules(Map.of(), false);

	/** The embedding model that runs in the gateway's JVM. */
	static final String LOCAL_EMBEDDING = "local";

	private final Map<String, CachePolicy> byRoute;

	private final boolean semantic;

	private CacheRules(Map<String, CachePolicy> byRoute, boolean semantic) {
		this.byRoute = Map.copyOf(byRoute);
		this.semantic = semantic;
	}

	/** Whether {@code model} is a route alias or {@code <provider>/<model>} of a configured provider. */
	private static boolean served(String model, List<SwitchboardProperties.Route> routes, java.util.Set<String> providerIds) {
		for (SwitchboardProperties.Route route : routes) {
			if (model.equals(route.getModel())) {
				return true;
			}
		}
		int slash = model.indexOf('/');
		return slash > 0 && slash < model.length() - 1 && providerIds.contains(model.substring(0, slash));
	}

	/** The policy of the route {@code route} (the plan's route name), or {@code null} when it is not cached. */
	public @Nullable CachePolicy of(String route) {
		return this.byRoute.isEmpty() ? null : this.byRoute.get(route);
	}

	/** Whether any route's semantic mode embeds in the JVM, so that the local model is worth loading at start-up. */
	public boolean anySemantic() {
		return this.semantic;
	}

	/**
	 * Checks {@code cache} and each route's {@code cache:} and compiles them; adds what is wrong to {@code problems}.
	 * @param stateRedis whether the state store is Redis, whose client a Redis cache store uses
	 * @param providerIds the configured providers, for a {@code semantic.embedding} of {@code <provider>/<model>}
	 */
	public static CacheRules compile(SwitchboardProperties.Cache cache, boolean stateRedis,
			List<SwitchboardProperties.Route> routes, java.util.Set<String> providerIds, List<String> problems) {
		String store = (cache.getStore() != null) ? cache.getStore().trim().toLowerCase(Locale.ROOT) : "";
		if (store.equals("redis") && !stateRedis) {
			problems.add("switchboard.cache.store: redis shares the state store's Redis client, so it needs "
					+ "switchboard.state.store: redis (and switchboard.state.redis.url)");
		}
		else if (!store.equals("local") && !store.equals("redis")) {
			problems.add("switchboard.cache.store: unknown store '" + cache.getStore() + "' (one of local, redis)");
		}
		if (cache.getMaxSize() == null || cache.getMaxSize().toBytes() <= 0) {
			problems.add("switchboard.cache.max-size must be positive");
		}
		Duration defaultTtl = cache.getTtl();
		if (defaultTtl == null || defaultTtl.isNegative() || defaultTtl.isZero()) {
			problems.add("switchboard.cache.ttl must be positive");
			defaultTtl = Duration.ofHours(1);
		}
		Map<String, CachePolicy> byRoute = new LinkedHashMap<>();
		boolean semantic = false;
		for (int i = 0; i < routes.size(); i++) {
			SwitchboardProperties.Route route = routes.get(i);
			SwitchboardProperties.RouteCache settings = route.getCache();
			if (settings == null) {
				continue;
			}
			String where = "switchboard.routes[" + i + "].cache";
			CacheMode mode = CacheMode.of(settings.getMode());
			if (mode == null) {
				problems.add(where + ".mode: unknown mode '" + settings.getMode() + "' (one of none, exact, semantic)");
				continue;
			}
			Duration ttl = (settings.getTtl() != null) ? settings.getTtl() : defaultTtl;
			if (ttl.isNegative() || ttl.isZero()) {
				problems.add(where + ".ttl must be positive");
			}
			SwitchboardProperties.Semantic similar = settings.getSemantic();
			String embedding = LOCAL_EMBEDDING;
			double threshold = (similar != null) ? similar.getThreshold() : 0.92;
			if (mode == CacheMode.SEMANTIC) {
				if (!(threshold > 0 && threshold <= 1)) {
					problems.add(where + ".semantic.threshold must be above 0 and at most 1 (cosine similarity)");
				}
				embedding = (similar != null && similar.getEmbedding() != null) ? similar.getEmbedding().trim()
						: LOCAL_EMBEDDING;
				if (embedding.equalsIgnoreCase(LOCAL_EMBEDDING)) {
					embedding = LOCAL_EMBEDDING;
					semantic = true;
				}
				else if (!served(embedding, routes, providerIds)) {
					problems.add(where + ".semantic.embedding: '" + embedding + "' is neither 'local' (the in-process "
							+ "all-MiniLM-L6-v2 model) nor a route alias or <provider>/<model> of a configured provider");
				}
			}
			if (mode != CacheMode.NONE && route.getModel() != null) {
				byRoute.put(route.getModel(), new CachePolicy(mode, ttl, settings.isShared(), threshold, embedding,
						settings.isStreamsFromJson()));
			}
		}
		return byRoute.isEmpty() ? NONE : new CacheRules(byRoute, semantic);
	}

}
