package dev.switchboard.body;

import java.util.HashMap;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;

/**
 * Reads the body of every {@code POST} to an AI endpoint once, before Spring Cloud Gateway looks up the route, within
 * {@code switchboard.limits.max-request-bytes}, and puts what routing needs in exchange attributes: the parsed
 * request ({@link GatewayAttributes#JSON_REQUEST}), its {@link GatewayAttributes#MODEL model} and
 * {@link GatewayAttributes#STREAM stream} flag, and the {@link GatewayAttributes#ENDPOINT endpoint}. Route predicates
 * ({@code Model=gpt-4o*}) are then plain attribute checks, never a second parse. It also pins the configuration
 * snapshot the request runs on, so that the routes chosen and the plan resolved come from the same one.
 * <p>
 * A body that cannot be taken (not JSON, too large, malformed, no model) does not fail here: the failure waits in
 * {@link GatewayAttributes#BODY_ERROR} until the body slot of the AI route, after authentication, so a caller without
 * a valid key learns only that. The request then matches no {@code Model} predicate.
 * <p>
 * The body is served again to a plain SCG route on an AI path ({@link BodyReplayFilter}), which proxies it whole.
 * Requests to any other path or method are not touched.
 */
public class AiRequestBodyFilter implements WebFilter, Ordered {

	/** After the request id and the actuator's guard, before route lookup (which is not a web filter at all). */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private static final Map<String, Endpoint> ENDPOINTS = new HashMap<>();

	static {
		for (Endpoint endpoint : Endpoint.values()) {
			// Gemini's endpoints carry the model in the path: GeminiPath reads them
			if (endpoint.format() != WireFormat.GEMINI) {
				ENDPOINTS.put(endpoint.path(), endpoint);
			}
		}
	}

	private final RuntimeConfigHolder configs;

	public AiRequestBodyFilter(RuntimeConfigHolder configs) {
		this.configs = configs;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!HttpMethod.POST.equals(request.getMethod())) {
			return chain.filter(exchange);
		}
		String path = request.getPath().value();
		Endpoint endpoint = ENDPOINTS.get(path);
		GeminiPath gemini = (endpoint == null && GeminiPath.candidate(path)) ? GeminiPath.of(path) : null;
		if (gemini != null) {
			endpoint = gemini.endpoint();
		}
		if (endpoint == null) {
			return chain.filter(exchange);
		}
		exchange.getAttributes().put(GatewayAttributes.ENDPOINT, endpoint);
		RuntimeConfig config = this.configs.pinned(exchange);
		HttpHeaders headers = request.getHeaders();
		if (!JsonBodyFilter.isJson(headers.getFirst(HttpHeaders.CONTENT_TYPE))) {
			return failed(exchange, chain, new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
					"The request body must be application/json."));
		}
		long limit = config.maxRequestBytes();
		long declared = headers.getContentLength();
		if (declared > limit && (declared > limit + BodyAccumulator.DRAIN_ALLOWANCE
				|| "100-continue".equalsIgnoreCase(headers.getFirst(HttpHeaders.EXPECT)))) {
			// refused before reading: a client waiting for 100 Continue sends nothing
			return failed(exchange, chain, BodyAccumulator.tooLarge(limit));
		}
		if (gemini != null && gemini.stream() && !"sse".equals(request.getQueryParams().getFirst("alt"))) {
			return failed(exchange, chain, new GatewayException(ErrorCode.UNSUPPORTED_PARAMETER,
					"streamGenerateContent is served as server-sent events only: add ?alt=sse to the URL."));
		}
		String pathModel = (gemini != null) ? gemini.model() : null;
		boolean pathStream = gemini != null && gemini.stream();
		return request.getBody()
			.collect(() -> new BodyAccumulator(limit, declared), BodyAccumulator::add)
			.<Object>map(accumulator -> JsonRequestParser.parse(accumulator.toBytes(), pathModel, pathStream))
			// only the reading and parsing fail softly: an error from the rest of the chain is not caught here
			.onErrorResume(GatewayException.class, Mono::just)
			.flatMap(result -> {
				if (result instanceof GatewayException error) {
					return failed(exchange, chain, error);
				}
				JsonRequest body = (JsonRequest) result;
				exchange.getAttributes().put(GatewayAttributes.JSON_REQUEST, body);
				exchange.getAttributes().put(GatewayAttributes.MODEL, body.model());
				exchange.getAttributes().put(GatewayAttributes.STREAM, body.stream());
				return chain.filter(exchange);
			});
	}

	private static Mono<Void> failed(ServerWebExchange exchange, WebFilterChain chain, GatewayException error) {
		exchange.getAttributes().put(GatewayAttributes.BODY_ERROR, error);
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Constant: WebFlux's web filter chain names every filter it runs, on every request, in a checkpoint, and the
	 * default {@code toString} would build a string with the identity hash each time.
	 */
	@Override
	public String toString() {
		return "AiRequestBodyFilter";
	}

}
