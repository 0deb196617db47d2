package dev.switchboard.state;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** Where the gateway's state lives: {@code switchboard.state.store}. */
public enum StoreKind {

	/** This process only: in memory, kept on disk under {@code switchboard.state.dir}. */
	LOCAL,

	/** Redis, shared by every replica. */
	REDIS;

	public static @Nullable StoreKind of(@Nullable String value) {
		if (value == null) {
			return null;
		}
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "local" -> LOCAL;
			case "redis" -> REDIS;
			default -> null;
		};
	}

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}
