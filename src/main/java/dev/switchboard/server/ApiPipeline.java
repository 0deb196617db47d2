package dev.switchboard.server;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/**
 * The fixed sequence of filters one endpoint runs. The links of the chain are built once, here, so a request walks
 * them without allocating a chain or sorting filters by order as a general-purpose filter chain does per request.
 */
final class ApiPipeline {

	private final ApiFilterChain head;

	ApiPipeline(List<ApiFilter> filters) {
		ApiFilterChain next = exchange -> Mono.empty();
		for (int i = filters.size() - 1; i >= 0; i--) {
			ApiFilter filter = filters.get(i);
			ApiFilterChain rest = next;
			next = exchange -> filter.filter(exchange, rest);
		}
		this.head = next;
	}

	Mono<Void> run(ServerWebExchange exchange) {
		return this.head.filter(exchange);
	}

}
