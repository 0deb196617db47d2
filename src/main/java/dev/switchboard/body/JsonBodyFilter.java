package dev.switchboard.body;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.server.ApiFilter;
import dev.switchboard.server.ApiFilterChain;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;

/**
 * Reads the JSON request body once, within {@code switchboard.limits.max-request-bytes}, and locates its
 * {@code model}: the result goes into {@link GatewayAttributes#JSON_REQUEST} for routing and dispatch.
 * <p>
 * The media type is checked before a byte is read; a declared {@code Content-Length} over the limit is refused before
 * reading too when the client waits for {@code 100 Continue}, as it then sends no body at all.
 */
public class JsonBodyFilter implements ApiFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, ApiFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		if (!isJson(headers.getFirst(HttpHeaders.CONTENT_TYPE))) {
			return Mono.error(new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
					"The request body must be application/json."));
		}
		RuntimeConfig config = exchange.getRequiredAttribute(GatewayAttributes.RUNTIME_CONFIG);
		long limit = config.maxRequestBytes();
		long declared = headers.getContentLength();
		if (declared > limit && (declared > limit + BodyAccumulator.DRAIN_ALLOWANCE
				|| "100-continue".equalsIgnoreCase(headers.getFirst(HttpHeaders.EXPECT)))) {
			return Mono.error(BodyAccumulator.tooLarge(limit));
		}
		return request.getBody()
			.collect(() -> new BodyAccumulator(limit, declared), BodyAccumulator::add)
			.map(accumulator -> JsonRequestParser.parse(accumulator.toBytes()))
			.flatMap(body -> {
				exchange.getAttributes().put(GatewayAttributes.JSON_REQUEST, body);
				return chain.filter(exchange);
			});
	}

	/** {@code application/json} or any {@code +json} type, with or without parameters such as charset. */
	static boolean isJson(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		int end = contentType.indexOf(';');
		String type = ((end < 0) ? contentType : contentType.substring(0, end)).trim();
		return type.equalsIgnoreCase("application/json")
				|| (type.regionMatches(true, 0, "application/", 0, 12) && type.regionMatches(true, type.length() - 5, "+json", 0, 5));
	}

}
