package dev.switchboard.dispatch;

import java.util.EnumMap;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.FilterOrder;
import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.RouteKind;

/**
 * The dispatch slot: an AI request, resolved to a plan, is answered by its endpoint's {@link DispatchFilter}. This is
 * where the chain ends for AI routes: the exchange is marked routed and the filters after this slot (SCG's
 * {@code NettyRoutingFilter} and {@code NettyWriteResponseFilter} among them) are not called, since the answer is
 * written here, from several possible targets in several wire formats, after the commit point.
 */
public class DispatchGlobalFilter implements GlobalFilter, Ordered {

	private final Map<Endpoint, DispatchFilter> dispatchers = new EnumMap<>(Endpoint.class);

	public DispatchGlobalFilter(GatewayMetrics metrics) {
		// each proxied endpoint, with the way its clients' streams end
		this.dispatchers.put(Endpoint.CHAT_COMPLETIONS, new DispatchFilter(Endpoint.CHAT_COMPLETIONS, StreamEnd.OPENAI_CHAT, metrics));
		this.dispatchers.put(Endpoint.EMBEDDINGS, new DispatchFilter(Endpoint.EMBEDDINGS, StreamEnd.OPENAI_CHAT, metrics));
		this.dispatchers.put(Endpoint.RESPONSES, new DispatchFilter(Endpoint.RESPONSES, StreamEnd.OPENAI_RESPONSES, metrics));
		this.dispatchers.put(Endpoint.MESSAGES, new DispatchFilter(Endpoint.MESSAGES, StreamEnd.ANTHROPIC_MESSAGES, metrics));
		this.dispatchers.put(Endpoint.COUNT_TOKENS, new DispatchFilter(Endpoint.COUNT_TOKENS, StreamEnd.ANTHROPIC_MESSAGES, metrics));
		this.dispatchers.put(Endpoint.GENERATE_CONTENT, new DispatchFilter(Endpoint.GENERATE_CONTENT, StreamEnd.GEMINI, metrics));
		this.dispatchers.put(Endpoint.GEMINI_COUNT_TOKENS, new DispatchFilter(Endpoint.GEMINI_COUNT_TOKENS, StreamEnd.GEMINI, metrics));
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (RouteKind.of(exchange) != RouteKind.AI) {
			return chain.filter(exchange);
		}
		// the body slot let only requests to an AI endpoint through, each with a dispatcher
		Endpoint endpoint = exchange.getRequiredAttribute(GatewayAttributes.ENDPOINT);
		ServerWebExchangeUtils.setAlreadyRouted(exchange);
		return this.dispatchers.get(endpoint).dispatch(exchange);
	}

	@Override
	public int getOrder() {
		return FilterOrder.DISPATCH;
	}

}
