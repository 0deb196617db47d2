package dev.switchboard.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.auth.GatewayKey;
import dev.switchboard.config.FilterOrder;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.provider.Provider;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.Json;

/**
 * Answers {@code GET /v1/models} (and {@code GET /v1/models/{id}}) from configuration, in OpenAI's list format: the
 * route aliases, then each provider's listed models as {@code provider/model}, only those the caller's key may use
 * (its {@code models}, and its {@code providers}: an alias with a target it may reach).
 * The filter of the {@code switchboard-models} route, in the models slot after auth; it ends the chain.
 */
public class ModelsEndpointFilter implements GatewayFilter, Ordered {

	static final String PATH = "/v1/models";

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		RuntimeConfig config = exchange.getRequiredAttribute(GatewayAttributes.RUNTIME_CONFIG);
		GatewayKey key = exchange.getRequiredAttribute(GatewayAttributes.GATEWAY_KEY);
		List<Entry> models = visibleModels(config.routes(), key);
		String path = exchange.getRequest().getPath().value();
		String json;
		if (path.length() > PATH.length() + 1) {
			String id = path.substring(PATH.length() + 1);
			Entry entry = models.stream().filter(e -> e.id.equals(id)).findFirst().orElse(null);
			if (entry == null) {
				return Mono.error(new GatewayException(ErrorCode.MODEL_NOT_FOUND, "The model '" + id + "' does not exist."));
			}
			json = entry.toJson(new StringBuilder()).toString();
		}
		else {
			StringBuilder out = new StringBuilder(64 + models.size() * 80).append("{\"object\":\"list\",\"data\":[");
			for (int i = 0; i < models.size(); i++) {
				models.get(i).toJson(out.append((i == 0) ? "" : ","));
			}
			json = out.append("]}").toString();
		}
		ServerHttpResponse response = exchange.getResponse();
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
	}

	static List<Entry> visibleModels(RouteTable routes, GatewayKey key) {
		List<Entry> entries = new ArrayList<>();
		for (String alias : new TreeSet<>(routes.aliases().keySet())) {
			// an alias is listed when the key may reach one of its targets' providers (auth cuts the others)
			if (key.models().allows(alias) && (key.providers() == null || routes.aliases()
				.get(alias)
				.targets()
				.stream()
				.anyMatch(target -> key.allowsProvider(target.provider().id())))) {
				entries.add(new Entry(alias, "switchboard"));
			}
		}
		for (String providerId : new TreeSet<>(routes.providers().keySet())) {
			Provider provider = routes.providers().get(providerId);
			for (String model : provider.models()) {
				String id = providerId + "/" + model;
				if (key.models().allows(id) && key.allowsProvider(providerId)) {
					entries.add(new Entry(id, providerId));
				}
			}
		}
		return entries;
	}

	record Entry(String id, String ownedBy) {

		StringBuilder toJson(StringBuilder out) {
			out.append("{\"id\":");
			Json.appendString(out, this.id);
			out.append(",\"object\":\"model\",\"created\":0,\"owned_by\":");
			Json.appendString(out, this.ownedBy);
			return out.append('}');
		}

	}

	@Override
	public int getOrder() {
		return FilterOrder.MODELS;
	}

	@Override
	public String toString() {
		return "ModelsEndpoint";
	}

}
