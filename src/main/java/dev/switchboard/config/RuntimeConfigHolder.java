package dev.switchboard.config;

import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.support.GatewayAttributes;

/**
 * Holds the current {@link RuntimeConfig}. Swapping it is atomic: requests in flight keep the snapshot they started
 * with, new ones get the new one.
 */
public final class RuntimeConfigHolder {

	private volatile RuntimeConfig current;

	public RuntimeConfigHolder(RuntimeConfig initial) {
		this.current = initial;
	}

	public RuntimeConfig current() {
		return this.current;
	}

	/**
	 * The snapshot {@code exchange} runs on: the one it was given first, or the current one, which it then keeps.
	 * The first stage to ask (before route lookup, for an AI endpoint) fixes it for every later one.
	 */
	public RuntimeConfig pinned(ServerWebExchange exchange) {
		RuntimeConfig config = exchange.getAttribute(GatewayAttributes.RUNTIME_CONFIG);
		if (config == null) {
			config = this.current;
			exchange.getAttributes().put(GatewayAttributes.RUNTIME_CONFIG, config);
		}
		return config;
	}

	public void replace(RuntimeConfig next) {
		this.current = next;
	}

}
