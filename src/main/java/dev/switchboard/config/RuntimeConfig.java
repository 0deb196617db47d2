package dev.switchboard.config;

import java.util.Map;

import dev.switchboard.provider.Passthrough;

import dev.switchboard.auth.ClientAddresses;
import dev.switchboard.auth.KeyRegistry;
import dev.switchboard.cache.CacheRules;
import dev.switchboard.guardrails.Guardrails;
import dev.switchboard.quota.Quotas;
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
 * @param passthroughs how {@code /proxy/{provider}/**} reaches each provider that has an HTTP upstream, by id
 * @param guardrails the guardrails, global and by route and key
 * @param quotas limits of keys, routes and providers, and prices
 * @param clientAddresses how the client's address is told, for keys' {@code ip-allow} ({@code trusted-proxies})
 * @param cache each route's response cache settings
 */
public record RuntimeConfig(KeyRegistry keys, RouteTable routes, long maxRequestBytes, boolean protectActuator,
		boolean accessLog, Map<String, Passthrough> passthroughs, Guardrails guardrails, Quotas quotas,
		ClientAddresses clientAddresses, CacheRules cache) {

	public RuntimeConfig {
		passthroughs = Map.copyOf(passthroughs);
	}

	/** A snapshot that believes no proxy's {@code X-Forwarded-For}, with no route cached. */
	public RuntimeConfig(KeyRegistry keys, RouteTable routes, long maxRequestBytes, boolean protectActuator,
			boolean accessLog, Map<String, Passthrough> passthroughs, Guardrails guardrails, Quotas quotas) {
		this(keys, routes, maxRequestBytes, protectActuator, accessLog, passthroughs, guardrails, quotas,
				ClientAddresses.direct(), CacheRules.NONE);
	}

	/** A snapshot without guardrails or limits, priced by the built-in table. */
	public RuntimeConfig(KeyRegistry keys, RouteTable routes, long maxRequestBytes, boolean protectActuator,
			boolean accessLog, Map<String, Passthrough> passthroughs) {
		this(keys, routes, maxRequestBytes, protectActuator, accessLog, passthroughs, Guardrails.NONE, Quotas.NONE);
	}

	/** A snapshot with open actuator reads, the access log on and no passthrough. */
	public RuntimeConfig(KeyRegistry keys, RouteTable routes, long maxRequestBytes) {
		this(keys, routes, maxRequestBytes, false, true, Map.of());
	}

}
