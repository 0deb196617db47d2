package dev.switchboard.cache;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** How a route's answers are cached: {@code cache.mode} of a route. */
public enum CacheMode {

	/** Not cached (the default). */
	NONE,

	/** An answer is reused for a request whose canonical form is the same. */
	EXACT,

	/** As exact, and also for a conversation similar enough in meaning, with the same other parameters. */
	SEMANTIC;

	/** The mode named {@code name} (case-insensitive), or {@code null} for an unknown name. */
	static @Nullable CacheMode of(@Nullable String name) {
		if (name == null || name.isBlank()) {
			return NONE;
		}
		try {
			return valueOf(name.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
