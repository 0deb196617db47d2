package dev.switchboard.auth;

/**
 * An authenticated caller.
 *
 * @param name the key's configured name, safe to log and to use as a metric tag
 * @param models the models it may use
 * @param admin whether it may call actuator write operations (a configuration reload)
 */
public record GatewayKey(String name, ModelPolicy models, boolean admin) {

	/** A key that is not an admin key. */
	public GatewayKey(String name, ModelPolicy models) {
		this(name, models, false);
	}

}
