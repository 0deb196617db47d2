package dev.switchboard.guardrails;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** What a guardrail does with a match. */
public enum GuardrailAction {

	/** The match becomes {@code [REDACTED:<rule>]}. */
	REDACT,

	/** The match becomes a placeholder such as {@code [EMAIL_1]}, and the answer gets the original back. */
	MASK,

	/** The request (or the answer) is refused with {@code guardrail_blocked}. */
	BLOCK,

	/** Nothing changes; the hit is recorded. */
	LOG;

	/** The name used in configuration, headers, meters and logs. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static @Nullable GuardrailAction of(@Nullable String id) {
		if (id == null) {
			return null;
		}
		for (GuardrailAction action : values()) {
			if (action.id().equalsIgnoreCase(id.trim())) {
				return action;
			}
		}
		return null;
	}

}
