package dev.switchboard.guardrails;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** Which side of an exchange a guardrail checks. */
public enum Direction {

	/** The texts the client sends to the model. */
	REQUEST,

	/** The texts the model writes back, JSON or streamed. */
	RESPONSE;

	/** The name used in configuration, meters and logs. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static @Nullable Direction of(@Nullable String id) {
		for (Direction direction : values()) {
			if (id != null && direction.id().equalsIgnoreCase(id.trim())) {
				return direction;
			}
		}
		return null;
	}

}
