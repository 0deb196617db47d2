package dev.switchboard.auth;

/**
 * An authenticated caller.
 *
 * @param name the key's configured name, safe to log and to use as a metric tag
 * @param models the models it may use
 */
public record GatewayKey(String name, ModelPolicy models) {
}
