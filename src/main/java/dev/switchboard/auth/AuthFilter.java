package dev.switchboard.auth;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.FilterOrder;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.RouteKind;

/**
 * Authenticates the caller of an AI or passthrough route by gateway key ({@code Authorization: Bearer K} or
 * {@code x-api-key: K}) against the configuration snapshot the request is pinned to, so a reload in the middle of a
 * request never mixes old keys with new routes. A plain SCG route is not its business: it passes untouched.
 */
public class AuthFilter implements GlobalFilter, Ordered {

	static final String X_API_KEY = "x-api-key";

	private static final String BEARER = "Bearer ";

	private final RuntimeConfigHolder configs;

	public AuthFilter(RuntimeConfigHolder configs) {
		this.configs = configs;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (!RouteKind.isSwitchboard(exchange)) {
			return chain.filter(exchange);
		}
		String presented = presentedKey(exchange.getRequest().getHeaders());
		GatewayKey key = (presented != null) ? this.configs.pinned(exchange).keys().find(presented) : null;
		if (key == null) {
			return Mono.error(new GatewayException(ErrorCode.INVALID_API_KEY, (presented == null)
					? "No gateway key was sent: use 'Authorization: Bearer <key>' or 'x-api-key: <key>'."
					: "The gateway key is not valid."));
		}
		exchange.getAttributes().put(GatewayAttributes.GATEWAY_KEY, key);
		return chain.filter(exchange);
	}

	/** The configured key the request presents, or {@code null} when it presents none or an unknown one. */
	static @Nullable GatewayKey callerKey(HttpHeaders headers, RuntimeConfig config) {
		String presented = presentedKey(headers);
		return (presented != null) ? config.keys().find(presented) : null;
	}

	/** The key the client sent, or {@code null}. The Authorization header wins when both are present. */
	static @Nullable String presentedKey(HttpHeaders headers) {
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			String key = authorization.substring(BEARER.length()).trim();
			if (!key.isEmpty()) {
				return key;
			}
		}
		String apiKey = headers.getFirst(X_API_KEY);
		return (apiKey != null && !apiKey.isBlank()) ? apiKey.trim() : null;
	}

	@Override
	public int getOrder() {
		return FilterOrder.AUTH;
	}

}
