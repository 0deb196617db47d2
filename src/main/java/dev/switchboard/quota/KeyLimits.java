package dev.switchboard.quota;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

import dev.switchboard.support.LimitsSpec;

/**
 * The compiled limits of callers' keys, by key name: a key carries its {@code limits} as the neutral
 * {@link LimitsSpec} (configured keys and API keys alike), compiled here once per version of the key, not per
 * request. A key whose limits changed (a {@code PATCH}, a reload) carries another spec, which is compiled on its
 * next request; the counters stay those of its name, so a raised limit admits at once what the old one refused.
 * <p>
 * A name that no longer has a key keeps its entry until the map is full, then every entry goes: recompiling is
 * cheap, and revoked keys cannot grow the map without bound.
 */
final class KeyLimits {

	static final int MAX_KEYS = 100_000;

	private final ConcurrentMap<String, Compiled> byName = new ConcurrentHashMap<>();

	/** The limit of the key {@code name} whose limits are {@code spec}; {@code null} when it has none. */
	@Nullable Limit of(String name, @Nullable LimitsSpec spec) {
		if (spec == null) {
			return null;
		}
		Compiled compiled = this.byName.get(name);
		if (compiled != null && (compiled.spec == spec || compiled.spec.equals(spec))) {
			return compiled.limit;
		}
		Limit limit = Quotas.limit(Scope.KEY, name, spec);
		if (this.byName.size() >= MAX_KEYS) {
			this.byName.clear();
		}
		this.byName.put(name, new Compiled(spec, limit));
		return limit;
	}

	int size() {
		return this.byName.size();
	}

	private record Compiled(LimitsSpec spec, @Nullable Limit limit) {
	}

}
