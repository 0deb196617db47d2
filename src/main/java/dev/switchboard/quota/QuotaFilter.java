package dev.switchboard.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.auth.GatewayKey;
import dev.switchboard.body.JsonRequest;
import dev.switchboard.config.FilterOrder;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.RouteKind;

/**
 * The quota slot: every AI request's usage and cost are measured ({@link Metering} on its answer), and a request to
 * which limits apply (its key's, as the caller's {@code GatewayKey} carries them, configured or API key alike; its
 * route's; its first target's provider's) is admitted only when every one of them
 * has room for it, its tokens reserved before it goes upstream. A chat stream whose client did not ask for usage
 * asks for it upstream ({@code stream_options.include_usage}); the extra chunk is cut out of the client's stream.
 * <p>
 * Provider limits are checked against the provider of the plan's first target: the one the request is meant for;
 * a fallback to another provider settles on the same counters.
 */
public class QuotaFilter implements GlobalFilter, Ordered {

	private final RuntimeConfigHolder configs;

	private final QuotaService service;

	private final KeyLimits keyLimits;

	QuotaFilter(RuntimeConfigHolder configs, QuotaService service, KeyLimits keyLimits) {
		this.configs = configs;
		this.service = service;
		this.keyLimits = keyLimits;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (RouteKind.of(exchange) != RouteKind.AI) {
			return chain.filter(exchange);
		}
		RoutePlan plan = exchange.getAttribute(GatewayAttributes.ROUTE_PLAN);
		JsonRequest body = exchange.getAttribute(GatewayAttributes.JSON_REQUEST);
		Endpoint endpoint = exchange.getAttribute(GatewayAttributes.ENDPOINT);
		if (plan == null || body == null || endpoint == null || plan.targets().isEmpty()) {
			return chain.filter(exchange);
		}
		RuntimeConfig config = this.configs.pinned(exchange);
		Quotas quotas = config.quotas();
		GatewayKey caller = exchange.getAttribute(GatewayAttributes.GATEWAY_KEY);
		String key = (caller != null) ? caller.name() : "none";
		String alias = config.routes().aliases().containsKey(plan.route()) ? plan.route() : null;
		List<Limit> limits = new ArrayList<>(3);
		// the caller's own limits, configured or issued through the admin API: the key carries them
		addIfPresent(limits, (caller != null) ? this.keyLimits.of(caller.name(), caller.limits()) : null);
		if (alias != null) {
			addIfPresent(limits, quotas.routes().get(alias));
		}
		addIfPresent(limits, quotas.providers().get(plan.targets().get(0).provider().id()));
		boolean strip = endpoint == Endpoint.CHAT_COMPLETIONS && body.stream() && !body.asksStreamUsage();
		if (strip) {
			// what every OpenAI-type upstream needs to report a stream's usage; the client's bytes stay as asked
			exchange.getAttributes().put(GatewayAttributes.JSON_REQUEST, body.withStreamUsage());
		}
		Metering metering = new Metering(this.service, quotas, key, plan, alias, body, endpoint, member(), strip,
				List.copyOf(limits));
		dev.switchboard.dispatch.AnswerHooks.add(exchange, metering);
		exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(() -> metering.headers(exchange)));
		Mono<Void> admitted = metering.limited() ? metering.prepare().then(Mono.defer(metering::admit))
				: metering.prepare();
		return admitted.then(Mono.defer(() -> chain.filter(exchange))).doFinally(signal -> metering.finish(exchange));
	}

	private static void addIfPresent(List<Limit> limits, @Nullable Limit limit) {
		if (limit != null) {
			limits.add(limit);
		}
	}

	/** The request's lease in concurrency counters: random, since a client may send any x-request-id. */
	private static String member() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
	}

	/** After the routing slot (the plan) and the guardrails (the request as it goes upstream), before the cache. */
	@Override
	public int getOrder() {
		return FilterOrder.QUOTA;
	}

}
