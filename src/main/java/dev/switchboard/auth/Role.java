package dev.switchboard.auth;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What a gateway key may do beyond its scopes. The wire names ({@code admin}, {@code user}, {@code read-only}) are
 * public interface: they are what configuration and the admin API take and show.
 */
public enum Role {

	/** Everything: the AI endpoints, {@code /admin/**}, actuator writes and {@code /actuator/gateway/**}. */
	ADMIN("admin"),

	/** The AI endpoints, within the key's scopes. */
	USER("user"),

	/** {@code GET /v1/models} and the read-only actuator endpoints; anything else is {@code 403 permission_denied}. */
	READ_ONLY("read-only");

	private final String wireName;

	Role(String wireName) {
		this.wireName = wireName;
	}

	/** The name configuration and the admin API use. */
	public String wireName() {
		return this.wireName;
	}

	/** The role of {@code name} ({@code admin}, {@code user}, {@code read-only}), or {@code null} for none of them. */
	public static @Nullable Role of(String name) {
		String lower = name.trim().toLowerCase(Locale.ROOT);
		for (Role role : values()) {
			if (role.wireName.equals(lower)) {
				return role;
			}
		}
		return null;
	}

	/** The wire names, for error messages. */
	public static String names() {
		return "admin, user, read-only";
	}

}
