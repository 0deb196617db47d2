package dev.switchboard.routing;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.FilterOrder;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;

/**
 * The filter of the {@code switchboard-api} catch-all: a {@code /v1/} URL that is no endpoint (or the wrong method
 * for one) is {@code 404 unknown_url} at once, with or without a key, as an OpenAI server answers it. A request to a
 * real endpoint that reached the catch-all (an unknown model, a body that could not be read) goes on, so auth, the
 * body slot and resolution give it the precise error.
 */
public class UnknownUrlFilter implements GatewayFilter, Ordered {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (exchange.getAttribute(GatewayAttributes.ENDPOINT) != null) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = exchange.getRequest();
		return Mono.error(new GatewayException(ErrorCode.UNKNOWN_URL,
				"Unknown request URL: " + request.getMethod() + " " + request.getPath().value()));
	}

	@Override
	public int getOrder() {
		return FilterOrder.UNKNOWN_URL;
	}

	@Override
	public String toString() {
		return "UnknownUrl";
	}

}
