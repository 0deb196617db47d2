package dev.switchboard.server;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/** The rest of an {@link ApiPipeline} after the current filter. */
@FunctionalInterface
public interface ApiFilterChain {

	Mono<Void> filter(ServerWebExchange exchange);

}
