package dev.switchboard.body;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.FilterOrder;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.RouteKind;

/**
 * Gives a plain SCG route on an AI endpoint's path (a user's {@code Path=/v1/chat/completions} to an {@code http} URI)
 * the body that {@link AiRequestBodyFilter} already read, so SCG's proxy sends it whole. An AI route needs no replay
 * (dispatch sends the parsed request), so it is spared the request decorator.
 */
public class BodyReplayFilter implements GlobalFilter, Ordered {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		JsonRequest body = exchange.getAttribute(GatewayAttributes.JSON_REQUEST);
		if (body == null || RouteKind.of(exchange) != RouteKind.OTHER) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange.mutate().request(new Replayed(exchange.getRequest(), body.bytes())).build());
	}

	@Override
	public int getOrder() {
		return FilterOrder.BODY_REPLAY;
	}

	/** The request with its body, already read, served again from memory. */
	private static final class Replayed extends ServerHttpRequestDecorator {

		private final byte[] body;

		Replayed(ServerHttpRequest delegate, byte[] body) {
			super(delegate);
			this.body = body;
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(this.body)));
		}

	}

}
