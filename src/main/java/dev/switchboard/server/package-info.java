/**
 * The API's request path, served by Reactor Netty below WebFlux: {@link dev.switchboard.server.ApiRoutes} claims
 * every {@code /v1/} request before Spring's handler sees it, and {@link dev.switchboard.server.ApiHandler} runs the
 * gateway's filters over it in a fixed order. Everything else (actuator) stays with WebFlux.
 */
@NullMarked
package dev.switchboard.server;

import org.jspecify.annotations.NullMarked;
