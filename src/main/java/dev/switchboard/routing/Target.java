package dev.switchboard.routing;

import dev.switchboard.provider.Provider;

/**
 * One provider and the model it is asked for.
 *
 * @param provider the provider
 * @param model the model name sent upstream
 */
public record Target(Provider provider, String model) {
}
