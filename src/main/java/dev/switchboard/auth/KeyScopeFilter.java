package dev.switchboard.auth;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.FilterOrder;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.RouteKind;

/**
 * The key's {@code providers} scope, after the plan is resolved: an alias reaches the providers of its targets, so
 * targets on providers outside the scope are cut from this request's plan (the others still fall back to each other),
 * and a plan left with none is {@code 403 provider_not_allowed}. A passthrough ({@code /proxy/{provider}/**}) names
 * its provider in the path and is checked against the scope the same way.
 * <p>
 * A request with a BYO credential reaches one provider only: the first listed target's (of those the scope allows).
 * The caller's own key is for that provider; sending it to another one as a fallback would hand the caller's secret
 * to a third party, and falling back to a configured key would spend the platform's account for a BYO caller.
 */
public class KeyScopeFilter implements GlobalFilter, Ordered {

	private static final String PROXY = "/proxy/";

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		RouteKind kind = RouteKind.of(exchange);
		GatewayKey key = exchange.getAttribute(GatewayAttributes.GATEWAY_KEY);
		if (kind == RouteKind.OTHER || key == null) {
			return chain.filter(exchange);
		}
		if (kind == RouteKind.PROXY) {
			String provider = proxyProvider(exchange.getRequest().getPath().value());
			if (!key.allowsProvider(provider)) {
				return Mono.error(notAllowed(provider));
			}
			return chain.filter(exchange);
		}
		RoutePlan plan = exchange.getAttribute(GatewayAttributes.ROUTE_PLAN);
		boolean byo = exchange.getAttribute(GatewayAttributes.PROVIDER_CREDENTIAL) != null;
		if (plan == null || (key.providers() == null && !byo)) {
			return chain.filter(exchange);
		}
		RoutePlan scoped = scoped(plan, key, byo);
		if (scoped == null) {
			return Mono.error(notAllowed(plan.targets().isEmpty() ? plan.route()
					: plan.targets().get(0).provider().id()));
		}
		if (scoped != plan) {
			exchange.getAttributes().put(GatewayAttributes.ROUTE_PLAN, scoped);
		}
		return chain.filter(exchange);
	}

	/** {@code plan} with the targets the key may reach, {@code plan} itself when that is all of them, else null. */
	static @Nullable RoutePlan scoped(RoutePlan plan, GatewayKey key, boolean byo) {
		String only = null;
		List<Target> kept = new ArrayList<>(plan.targets().size());
		for (Target target : plan.targets()) {
			String id = target.provider().id();
			if (key.allowsProvider(id) && (!byo || only == null || only.equals(id))) {
				only = id;
				kept.add(target);
			}
		}
		if (kept.isEmpty()) {
			return null;
		}
		if (kept.size() == plan.targets().size()) {
			return plan;
		}
		return new RoutePlan(plan.route(), List.copyOf(kept), plan.deadline(), plan.retries(), plan.strategy(),
				plan.counter(), plan.keepAliveInterval(), plan.hedge());
	}

	/** The provider id of a {@code /proxy/{provider}/**} path. */
	static String proxyProvider(String path) {
		int end = path.indexOf('/', PROXY.length());
		return (end < 0) ? path.substring(PROXY.length()) : path.substring(PROXY.length(), end);
	}

	private static GatewayException notAllowed(String provider) {
		return new GatewayException(ErrorCode.PROVIDER_NOT_ALLOWED,
				"This gateway key may not reach provider '" + provider + "'.");
	}

	@Override
	public int getOrder() {
		return FilterOrder.KEY_SCOPE;
	}

}
