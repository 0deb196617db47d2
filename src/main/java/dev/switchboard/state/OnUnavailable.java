package dev.switchboard.state;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** {@code switchboard.state.redis.on-unavailable}: what a request that needs shared state gets during an outage. */
public enum OnUnavailable {

	/** Fail open: admit, count locally, add the local counts to Redis when it is back. */
	ALLOW,

	/** Fail closed: {@code 503 state_unavailable}. */
	DENY;

	public static @Nullable OnUnavailable of(@Nullable String value) {
		if (value == null) {
			return null;
		}
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "allow" -> ALLOW;
			case "deny" -> DENY;
			default -> null;
		};
	}

}
