package dev.switchboard.quota;

import java.util.Locale;

/** Whose limit: a gateway key's, a route alias's or a provider's. */
public enum Scope {

	KEY, ROUTE, PROVIDER;

	private final String id = name().toLowerCase(Locale.ROOT);

	public String id() {
		return this.id;
	}

}
