package dev.switchboard.server;

import reactor.netty.http.server.HttpServerRoutes;

import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;

/**
 * Claims every {@code /v1/} request for the {@link ApiHandler} in Reactor Netty's own routing, ahead of the WebFlux
 * handler that Spring Boot registers for everything else. The request never enters WebFlux's dispatch; Spring's
 * adapter still turns Reactor Netty's request and response into the {@code ServerHttpRequest} and
 * {@code ServerHttpResponse} the filters are written against.
 */
public final class ApiRoutes implements NettyRouteProvider {

	private static final String API_PREFIX = "/v1/";

	private final ReactorHttpHandlerAdapter adapter;

	public ApiRoutes(ApiHandler handler) {
		this.adapter = new ReactorHttpHandlerAdapter(handler);
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route(request -> request.uri().startsWith(API_PREFIX), this.adapter);
	}

}
