package dev.switchboard.body;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.FilterOrder;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.RouteKind;

/**
 * The body slot of an AI route: the request body, read before route lookup by {@link AiRequestBodyFilter}, must be
 * there. Raises what kept it out (media type, size, JSON, model), now that the caller is authenticated; a
 * {@code switchboard:} route on a path that is no AI endpoint is {@code 404 unknown_url}.
 */
public class JsonBodyFilter implements GlobalFilter, Ordered {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (RouteKind.of(exchange) != RouteKind.AI) {
			return chain.filter(exchange);
		}
		GatewayException error = exchange.getAttribute(GatewayAttributes.BODY_ERROR);
		if (error != null) {
			return Mono.error(error);
		}
		if (exchange.getAttribute(GatewayAttributes.JSON_REQUEST) == null) {
			ServerHttpRequest request = exchange.getRequest();
			return Mono.error(new GatewayException(ErrorCode.UNKNOWN_URL,
					"Unknown request URL: " + request.getMethod() + " " + request.getPath().value()));
		}
		return chain.filter(exchange);
	}

	/** {@code application/json} or any {@code +json} type, with or without parameters such as charset. */
	static boolean isJson(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		int end = contentType.indexOf(';');
		String type = ((end < 0) ? contentType : contentType.substring(0, end)).trim();
		return type.equalsIgnoreCase("application/json")
				|| (type.regionMatches(true, 0, "application/", 0, 12) && type.regionMatches(true, type.length() - 5, "+json", 0, 5));
	}

	@Override
	public int getOrder() {
		return FilterOrder.BODY;
	}

}
