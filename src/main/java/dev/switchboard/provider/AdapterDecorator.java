package dev.switchboard.provider;

/**
 * Wraps the adapter of each configured provider, once, when the configuration is compiled: the hook through which
 * tracing sees every upstream attempt without the dispatcher knowing about it.
 */
@FunctionalInterface
public interface AdapterDecorator {

	/** Leaves adapters as they are. */
	AdapterDecorator NONE = (id, type, adapter) -> adapter;

	/**
	 * @param providerId the provider's configured id
	 * @param type its wire type
	 * @param adapter the adapter to wrap
	 * @return the adapter to use in its place
	 */
	ProviderAdapter decorate(String providerId, ProviderType type, ProviderAdapter adapter);

}
