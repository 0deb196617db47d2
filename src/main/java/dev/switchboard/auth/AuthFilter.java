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
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.RouteKind;

/**
 * Authenticates the caller of an AI or passthrough route by gateway key ({@code Authorization: Bearer K},
 * {@code x-api-key: K}, {@code x-goog-api-key: K}, or on the Gemini endpoints {@code ?key=K}) against the
 * configuration snapshot the request is pinned to, so a reload in the middle of a
 * request never mixes old keys with new routes. A plain SCG route is not its business: it passes untouched.
 */
public class AuthFilter implements GlobalFilter, Ordered {

	static final String X_API_KEY = "x-api-key";

	/** Where Google's Gemini clients send their key. */
	static final String X_GOOG_API_KEY = "x-goog-api-key";

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
		if (presented == null && exchange.getAttribute(GatewayAttributes.ENDPOINT) instanceof Endpoint endpoint
				&& endpoint.format() == WireFormat.GEMINI) {
			// Google's clients may send the key in the URL; it never goes upstream, which gets its own URL
			presented = nonBlank(exchange.getRequest().getQueryParams().getFirst("key"));
		}
		GatewayKey key = (presented != null) ? this.configs.pinned(exchange).keys().find(presented) : null;
		if (key == null) {
			return Mono.error(new GatewayException(ErrorCode.INVALID_API_KEY, (presented == null)
					? "No gateway key was sent: use 'Authorization: Bearer <key>', 'x-api-key: <key>' or, for the Gemini "
							+ "API, 'x-goog-api-key: <key>'."
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
		String apiKey = nonBlank(headers.getFirst(X_API_KEY));
		return (apiKey != null) ? apiKey : nonBlank(headers.getFirst(X_GOOG_API_KEY));
	}

	private static @Nullable String nonBlank(@Nullable String key) {
		return (key != null && !key.isBlank()) ? key.trim() : null;
	}

	@Override
	public int getOrder() {
		return FilterOrder.AUTH;
	}

}
