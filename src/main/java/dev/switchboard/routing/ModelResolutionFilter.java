package dev.switchboard.routing;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.auth.GatewayKey;
import dev.switchboard.body.JsonRequest;
import dev.switchboard.config.FilterOrder;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.RouteKind;

/**
 * The resolve slot: turns the model an AI route dispatches into a {@link RoutePlan}, after checking that the
 * caller's key may use it. A compiled route dispatches the model the request names; a user route
 * ({@code uri: switchboard:research}) its own, whatever the body says, and the body's {@code model} is then rewritten
 * upstream as for any alias.
 * <p>
 * The key's allow-list is checked against the model dispatched (an alias, or {@code provider/model}), before
 * resolution, so that an unknown model and a forbidden one cannot be told apart by a key that may use neither. On a
 * user route that is the route's target: what is spent is what the key must be allowed.
 */
public class ModelResolutionFilter implements GlobalFilter, Ordered {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = RouteKind.route(exchange);
		if (RouteKind.of(route) != RouteKind.AI) {
			return chain.filter(exchange);
		}
		JsonRequest body = exchange.getRequiredAttribute(GatewayAttributes.JSON_REQUEST);
		GatewayKey key = exchange.getRequiredAttribute(GatewayAttributes.GATEWAY_KEY);
		String model = SwitchboardRouteLocator.dispatchesRequestModel(route) ? body.model()
				: RouteKind.target(route.getUri());
		if (!key.models().allows(model)) {
			return Mono.error(new GatewayException(ErrorCode.MODEL_NOT_ALLOWED,
					"This gateway key may not use the model '" + model + "'."));
		}
		RuntimeConfig config = exchange.getRequiredAttribute(GatewayAttributes.RUNTIME_CONFIG);
		RoutePlan plan = config.routes().resolve(model);
		if (plan == null) {
			return Mono.error(new GatewayException(ErrorCode.MODEL_NOT_FOUND, "The model '" + model
					+ "' does not exist: it is neither a route alias nor '<provider>/<model>' for a configured provider."));
		}
		exchange.getAttributes().put(GatewayAttributes.ROUTE_PLAN, plan);
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return FilterOrder.RESOLVE;
	}

}
