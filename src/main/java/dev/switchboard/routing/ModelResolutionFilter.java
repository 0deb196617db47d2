package dev.switchboard.routing;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.auth.GatewayKey;
import dev.switchboard.body.JsonRequest;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.server.ApiFilter;
import dev.switchboard.server.ApiFilterChain;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;

/**
 * Turns the requested {@code model} into a {@link RoutePlan}, after checking that the caller's key may use it.
 * <p>
 * The key's allow-list is checked against the name the client sent (an alias, or {@code provider/model}), before
 * resolution, so that an unknown model and a forbidden one cannot be told apart by a key that may use neither.
 */
public class ModelResolutionFilter implements ApiFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, ApiFilterChain chain) {
		JsonRequest body = exchange.getRequiredAttribute(GatewayAttributes.JSON_REQUEST);
		GatewayKey key = exchange.getRequiredAttribute(GatewayAttributes.GATEWAY_KEY);
		String model = body.model();
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

}
