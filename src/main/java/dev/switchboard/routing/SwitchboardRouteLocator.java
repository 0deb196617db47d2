package dev.switchboard.routing;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

import reactor.core.publisher.Flux;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.handler.predicate.GatewayPredicate;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.RouteKind;

/**
 * Switchboard's own SCG routes, compiled from the configuration: {@code switchboard.routes} aliases and
 * {@code provider/model} direct addressing, the models list, the raw provider passthrough and the catch-all that
 * answers the rest of {@code /v1/} in the caller's wire format.
 * <p>
 * Lookup stays O(1) in the number of aliases: all aliases are one route whose predicate is a hash lookup of the
 * request's model in the snapshot the request is pinned to, rather than one route per alias walked in order by
 * SCG's handler mapping. For the same reason the predicates read the pinned snapshot, not one captured when the
 * routes were built: a reload swaps aliases, providers and keys for new requests in one step, whatever the route
 * cache holds at that instant. The routes are rebuilt on every route refresh anyway, so that
 * {@code /actuator/gateway/routes} lists the aliases and providers in force.
 * <p>
 * The busiest route comes first (aliases, then direct addressing): a route walked past costs a predicate test.
 * They carry late orders ({@link #ORDER} on), so a user's route (order {@code 0} unless set) is tried first and can
 * take part of an alias's traffic while the rest still reaches the alias.
 */
public class SwitchboardRouteLocator implements RouteLocator {

	/** The order of the first compiled route; user routes with a lower order (the default 0) are tried first. */
	public static final int ORDER = 10_000;

	/** Route id: {@code GET /v1/models} and {@code GET /v1/models/{id}}. */
	public static final String MODELS_ROUTE = "switchboard-models";

	/** Route id: a request whose model is a {@code switchboard.routes} alias. */
	public static final String ALIASES_ROUTE = "switchboard-aliases";

	/** Route id: a request whose model is {@code <provider>/<model>} of a configured provider. */
	public static final String DIRECT_ROUTE = "switchboard-direct";

	/** Route id: {@code /proxy/{provider}/**}, the raw passthrough. */
	public static final String PROXY_ROUTE = "switchboard-proxy";

	/** Route id: anything else under {@code /v1/} or {@code /v1beta/}, answered with an error in the caller's format. */
	public static final String API_ROUTE = "switchboard-api";

	/**
	 * Metadata key set on the compiled AI routes: they dispatch the model the request names, where a user route's
	 * {@code switchboard:{model}} dispatches its own.
	 */
	public static final String REQUEST_MODEL_METADATA = "switchboard.request-model";

	private static final URI REQUEST_MODEL_URI = URI.create(RouteKind.AI_SCHEME + ":*");

	private static final URI PROXY_URI = URI.create(RouteKind.PROXY_SCHEME + "://providers");

	private final RuntimeConfigHolder configs;

	private final GatewayFilter models;

	private final GatewayFilter unknownUrl;

	private final GatewayFilter proxyTarget;

	public SwitchboardRouteLocator(RuntimeConfigHolder configs, GatewayFilter models, GatewayFilter unknownUrl,
			GatewayFilter proxyTarget) {
		this.configs = configs;
		this.models = models;
		this.unknownUrl = unknownUrl;
		this.proxyTarget = proxyTarget;
	}

	@Override
	public Flux<Route> getRoutes() {
		RuntimeConfig config = this.configs.current();
		RouteTable table = config.routes();
		return Flux.just(
				route(MODELS_ROUTE, 2, REQUEST_MODEL_URI, "GET /v1/models, /v1/models/{id}", this::isModelsRequest)
					.filter(this.models)
					.metadata(REQUEST_MODEL_METADATA, true)
					.build(),
				route(ALIASES_ROUTE, 0, REQUEST_MODEL_URI, "Model is a switchboard.routes alias", this::isAlias)
					.metadata(REQUEST_MODEL_METADATA, true)
					.metadata("aliases", List.copyOf(new TreeSet<>(table.aliases().keySet())))
					.build(),
				route(DIRECT_ROUTE, 1, REQUEST_MODEL_URI, "Model is <provider>/<model>", this::isDirect)
					.metadata(REQUEST_MODEL_METADATA, true)
					.metadata("providers", List.copyOf(new TreeSet<>(table.providers().keySet())))
					.build(),
				route(PROXY_ROUTE, 3, PROXY_URI, "Path=/proxy/{provider}/**",
						exchange -> exchange.getRequest().getPath().value().startsWith("/proxy/"))
					.filter(this.proxyTarget)
					.build(),
				route(API_ROUTE, 4, REQUEST_MODEL_URI, "Path=/v1/**, /v1beta/**", exchange -> {
					String path = exchange.getRequest().getPath().value();
					return path.startsWith("/v1/") || path.startsWith("/v1beta/");
				})
					.filter(this.unknownUrl)
					.metadata(REQUEST_MODEL_METADATA, true)
					.build());
	}

	private static Route.AsyncBuilder route(String id, int offset, URI uri, String description,
			Predicate<ServerWebExchange> test) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("switchboard.compiled", true);
		return Route.async()
			.id(id)
			.order(ORDER + offset)
			.uri(uri)
			.metadata(metadata)
			.predicate(new Described(description, test));
	}

	private boolean isModelsRequest(ServerWebExchange exchange) {
		if (!HttpMethod.GET.equals(exchange.getRequest().getMethod())) {
			return false;
		}
		String path = exchange.getRequest().getPath().value();
		return path.equals("/v1/models") || path.startsWith("/v1/models/");
	}

	private boolean isAlias(ServerWebExchange exchange) {
		String model = exchange.getAttribute(GatewayAttributes.MODEL);
		return model != null && this.configs.pinned(exchange).routes().isAlias(model);
	}

	private boolean isDirect(ServerWebExchange exchange) {
		String model = exchange.getAttribute(GatewayAttributes.MODEL);
		return model != null && this.configs.pinned(exchange).routes().directProvider(model) != null;
	}

	/** Whether a route dispatches the model the request names (a compiled route) rather than one of its own. */
	public static boolean dispatchesRequestModel(Route route) {
		return Boolean.TRUE.equals(route.getMetadata().get(REQUEST_MODEL_METADATA));
	}

	/** A predicate that reads well in {@code /actuator/gateway/routes}. */
	private record Described(String description, Predicate<ServerWebExchange> test) implements GatewayPredicate {

		@Override
		public boolean test(ServerWebExchange exchange) {
			return this.test.test(exchange);
		}

		@Override
		public String toString() {
			return this.description;
		}

	}

}
