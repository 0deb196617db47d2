package dev.switchboard.config;

import dev.switchboard.auth.KeyRegistry;
import dev.switchboard.routing.RouteTable;

/**
 * One consistent, immutable snapshot of the gateway's configuration: keys, providers and routes that were validated
 * together. A request takes the current snapshot when it arrives and keeps it to the end; a reload swaps in a new one.
 *
 * @param keys the gateway keys
 * @param routes route aliases and providers
 * @param maxRequestBytes the largest accepted request body
 * @param protectActuator whether reading actuator endpoints other than health needs a gateway key
 * @param accessLog whether each request is written to the access log
 */
public record RuntimeConfig(KeyRegistry keys, RouteTable routes, long maxRequestBytes, boolean protectActuator,
		boolean accessLog) {

	/** A snapshot with open actuator reads and the access log on. */
	public RuntimeConfig(KeyRegistry keys, RouteTable routes, long maxRequestBytes) {
		this(keys, routes, maxRequestBytes, false, true);
	}

}
