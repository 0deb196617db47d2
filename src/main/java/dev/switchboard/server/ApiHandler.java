package dev.switchboard.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.DefaultServerWebExchange;
import org.springframework.web.server.i18n.AcceptHeaderLocaleContextResolver;
import org.springframework.web.server.session.WebSessionManager;

import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayErrorHandler;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.RequestIdFilter;

/**
 * Serves every {@code /v1/} request: gives it an id, picks its endpoint's {@link ApiPipeline} by method and path, runs
 * it, and renders whatever error comes out in the caller's wire format.
 * <p>
 * This is the work WebFlux's {@code HttpWebHandlerAdapter} and Spring Cloud Gateway's handler mapping did for these
 * requests, cut to what the API needs: one exchange per request, no web filter chain, no handler lookup across the
 * application's mappings, no route predicates, no filter sorting, no sessions. Measured, that machinery cost about as
 * much per request as all of the gateway's own work (docs/performance.md).
 */
public final class ApiHandler implements HttpHandler {

	private static final Log logger = LogFactory.getLog(ApiHandler.class);

	/** The API has no sessions: a request that asked for one would get none rather than a cookie. */
	private static final WebSessionManager NO_SESSIONS = exchange -> Mono.empty();

	private static final String MODELS = "/v1/models";

	private final Map<String, ApiPipeline> posts;

	private final ApiPipeline models;

	private final ApiPipeline unknown;

	private final GatewayErrorHandler errors;

	private final ServerCodecConfigurer codecs = ServerCodecConfigurer.create();

	private final AcceptHeaderLocaleContextResolver locales = new AcceptHeaderLocaleContextResolver();

	/**
	 * @param posts the pipeline of each {@code POST} path
	 * @param models the pipeline of {@code GET /v1/models} and {@code GET /v1/models/{id}}
	 * @param observe the filters every request runs first, including one to an unknown URL
	 */
	public ApiHandler(Map<String, List<ApiFilter>> posts, List<ApiFilter> models,
			List<ApiFilter> observe, GatewayErrorHandler errors) {
		this.posts = new HashMap<>();
		posts.forEach((path, filters) -> this.posts.put(path, new ApiPipeline(concat(observe, filters))));
		this.models = new ApiPipeline(concat(observe, models));
		this.unknown = new ApiPipeline(concat(observe, List.of(ApiHandler::unknownUrl)));
		this.errors = errors;
	}

	@Override
	public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
		ServerWebExchange exchange = new DefaultServerWebExchange(request, response, NO_SESSIONS, this.codecs,
				this.locales);
		RequestIdFilter.assign(exchange);
		ApiPipeline pipeline = pipeline(request);
		// deferred: a filter that throws instead of returning an error still gets an answer in the caller's format
		return Mono.defer(() -> pipeline.run(exchange))
			.onErrorResume(error -> this.errors.handle(exchange, error))
			.onErrorResume(error -> unresolved(exchange, error))
			.then(Mono.defer(response::setComplete));
	}

	private ApiPipeline pipeline(ServerHttpRequest request) {
		HttpMethod method = request.getMethod();
		String path = request.getPath().value();
		if (HttpMethod.POST.equals(method)) {
			ApiPipeline pipeline = this.posts.get(path);
			return (pipeline != null) ? pipeline : this.unknown;
		}
		if (HttpMethod.GET.equals(method) && (path.equals(MODELS) || path.startsWith(MODELS + "/"))) {
			return this.models;
		}
		return this.unknown;
	}

	private static Mono<Void> unknownUrl(ServerWebExchange exchange, ApiFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		return Mono.error(new GatewayException(ErrorCode.UNKNOWN_URL,
				"Unknown request URL: " + request.getMethod() + " " + request.getPath().value()));
	}

	/**
	 * What the error handler passed on (it answers a client that left with nothing, and everything else that is not
	 * committed yet): after the response started, the connection is closed with the error, the only way left to tell
	 * the client its answer is incomplete.
	 */
	private static Mono<Void> unresolved(ServerWebExchange exchange, Throwable error) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.setStatusCode(HttpStatus.INTERNAL_SERVER_ERROR)) {
			logger.error("request failed after the error handler: " + error);
			return Mono.empty();
		}
		if (logger.isDebugEnabled()) {
			logger.debug("response already committed, closing the connection: " + error);
		}
		return Mono.error(error);
	}

	private static List<ApiFilter> concat(List<ApiFilter> first, List<ApiFilter> then) {
		List<ApiFilter> all = new ArrayList<>(first);
		all.addAll(then);
		return all;
	}

}
