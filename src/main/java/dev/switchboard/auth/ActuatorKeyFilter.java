package dev.switchboard.auth;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.switchboard.config.RuntimeConfigHolder;

/**
 * With {@code switchboard.protect-actuator=true}, actuator endpoints other than health answer only to a valid
 * gateway key. Health stays open for Kubernetes probes and load balancers.
 */
public class ActuatorKeyFilter implements WebFilter, Ordered {

	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	private static final byte[] BODY = "{\"error\":\"a gateway key is required\"}".getBytes(StandardCharsets.UTF_8);

	private final RuntimeConfigHolder configs;

	public ActuatorKeyFilter(RuntimeConfigHolder configs) {
		this.configs = configs;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().value();
		if (!path.startsWith("/actuator") || path.startsWith("/actuator/health")) {
			return chain.filter(exchange);
		}
		String presented = AuthFilter.presentedKey(exchange.getRequest().getHeaders());
		if (presented != null && this.configs.current().keys().find(presented) != null) {
			return chain.filter(exchange);
		}
		exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
		exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
		return exchange.getResponse().writeWith(Mono.fromSupplier(() -> exchange.getResponse().bufferFactory().wrap(BODY)));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
