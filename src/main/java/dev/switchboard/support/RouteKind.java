package dev.switchboard.support;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.web.server.ServerWebExchange;

/**
 * What kind of Spring Cloud Gateway route an exchange is on, told by the route's URI scheme: the one question every
 * Switchboard filter asks first, so that a plain SCG route passes through them untouched.
 */
public enum RouteKind {

	/** {@code switchboard:{model}} (a user route) or a compiled Switchboard route: the AI filters serve it. */
	AI,

	/** {@code /proxy/{provider}/**}: SCG's own proxy, with the gateway key checked and the provider key swapped in. */
	PROXY,

	/** Any other route (an {@code http(s)}, {@code lb} or {@code forward} URI), or none yet. */
	OTHER;

	/** The URI scheme of routes that reach the AI path. */
	public static final String AI_SCHEME = "switchboard";

	/** The URI scheme of the raw provider passthrough route. */
	public static final String PROXY_SCHEME = "switchboard-proxy";

	public static RouteKind of(ServerWebExchange exchange) {
		return of(route(exchange));
	}

	public static RouteKind of(@Nullable Route route) {
		if (route == null) {
			return OTHER;
		}
		String scheme = route.getUri().getScheme();
		if (AI_SCHEME.equals(scheme)) {
			return AI;
		}
		return PROXY_SCHEME.equals(scheme) ? PROXY : OTHER;
	}

	/** Whether the exchange is on an AI or a passthrough route: the routes that need a gateway key. */
	public static boolean isSwitchboard(ServerWebExchange exchange) {
		return of(exchange) != OTHER;
	}

	public static @Nullable Route route(ServerWebExchange exchange) {
		return exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
	}

	/** The scheme-specific part of an AI route's URI: the model a user route names ({@code switchboard:fast}). */
	public static String target(URI uri) {
		return uri.getSchemeSpecificPart();
	}

}
