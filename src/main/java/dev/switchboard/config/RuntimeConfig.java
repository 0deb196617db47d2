package dev.switchboard.config;

import dev.switchboard.auth.KeyRegistry;
import dev.switchboard.routing.RouteTable;

/**
 * One consistent, immutable snapshot of the gateway's configuration: keys, providers and routes that were validated
 * together. A request takes the current snapshot when it arrives and keeps it to the end.
 *
 * @param keys the gateway keys
 * @param routes route aliases and providers
 * @param maxRequestBytes the largest accepted request body
 */
public record RuntimeConfig(KeyRegistry keys, RouteTable routes, long maxRequestBytes) {
}
