package dev.switchboard.server;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/**
 * One step of the API's request path: authentication, body reading, model resolution, dispatch. A filter either
 * passes the exchange on through the chain or ends it (with an answer, or with an error that {@link ApiHandler}
 * renders in the caller's wire format).
 */
@FunctionalInterface
public interface ApiFilter {

	Mono<Void> filter(ServerWebExchange exchange, ApiFilterChain chain);

}
