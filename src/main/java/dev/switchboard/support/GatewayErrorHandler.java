package dev.switchboard.support;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Renders every error under {@code /v1/} and {@code /v1beta/} in the caller's wire format (Anthropic's under
 * {@code /v1/messages}, Google's under {@code /v1beta/}, else OpenAI's), whoever raised it: the gateway's own
 * {@link GatewayException}s, WebFlux's "no handler" 404, and unexpected failures (as a bare 500 that names the request
 * id, never the cause).
 * <p>
 * It is WebFlux's exception handler, before Spring Boot's {@code ErrorWebExceptionHandler} (order -1), so it sees
 * whatever the Spring Cloud Gateway filter chain of an AI or passthrough route raised, and SCG's own failures on
 * those paths too. Errors elsewhere (actuator, plain SCG routes outside {@code /v1/}) and errors after the response
 * was committed are left to others: once bytes have gone out, only the connection can signal the failure.
 */
public class GatewayErrorHandler implements WebExceptionHandler, Ordered {

	/** Before Spring Boot's default error handler, which is ordered -1. */
	public static final int ORDER = -2;

	private static final Log logger = LogFactory.getLog(GatewayErrorHandler.class);

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ServerHttpResponse response = exchange.getResponse();
		if (ex instanceof AbortedException || AbortedException.isConnectionReset(ex)) {
			// the client went away (or its connection was closed under it, as in the instant a draining server stops
			// listening): there is nobody to answer and nothing went wrong in the gateway
			if (logger.isDebugEnabled()) {
				logger.debug("request_id=" + exchange.getAttribute(GatewayAttributes.REQUEST_ID) + " client connection closed: "
						+ ex);
			}
			return Mono.empty();
		}
		if (response.isCommitted() || !isApiRequest(exchange)) {
			return Mono.error(ex);
		}
		GatewayException error = toGatewayException(exchange, ex);
		int status = error.code().status().value();
		byte[] body;
		if (isGeminiPath(exchange.getRequest())) {
			// Google's shape; the gateway's code leads the message, as for Anthropic's
			body = ErrorBodies.gemini(status, error.code().code() + ": " + error.getMessage());
		}
		else if (isAnthropicPath(exchange.getRequest())) {
			// Anthropic's shape and status conventions; the gateway's code leads the message
			status = ErrorBodies.anthropicStatus(status);
			body = ErrorBodies.anthropic(ErrorBodies.anthropicType(status), error.code().code() + ": " + error.getMessage());
		}
		else {
			body = ErrorBodies.openAi(error.getMessage(), error.code().type(), error.code().code(), error.param());
		}
		response.setStatusCode(HttpStatusCode.valueOf(status));
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		response.getHeaders().remove("Content-Length");
		error.headers().forEach((name, values) -> response.getHeaders().put(name, values));
		response.getHeaders().setContentLength(body.length);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

	/** Anthropic's Messages API endpoints, whose clients get Anthropic's error shape. */
	private static boolean isAnthropicPath(ServerHttpRequest request) {
		String path = request.getPath().value();
		return path.equals("/v1/messages") || path.startsWith("/v1/messages/");
	}

	/**
	 * Google's Gemini API ({@code /v1beta/...}, {@code /v1/models/{model}:{method}}), whose clients get Google's error
	 * shape.
	 */
	private static boolean isGeminiPath(ServerHttpRequest request) {
		String path = request.getPath().value();
		return path.startsWith(GEMINI_PREFIX) || (path.startsWith("/v1/models/") && path.indexOf(':') > 0);
	}

	private static final String GEMINI_PREFIX = "/v1beta/";

	/**
	 * Under {@code /v1/}, {@code /v1beta/} or {@code /proxy/}, or on any Switchboard route (a user's
	 * {@code switchboard:} route).
	 */
	private static boolean isApiRequest(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().value();
		return path.startsWith("/v1/") || path.startsWith(GEMINI_PREFIX) || path.startsWith("/proxy/")
				|| RouteKind.isSwitchboard(exchange);
	}

	private static GatewayException toGatewayException(ServerWebExchange exchange, Throwable ex) {
		if (ex instanceof GatewayException gatewayException) {
			return gatewayException;
		}
		ServerHttpRequest request = exchange.getRequest();
		if (ex instanceof ResponseStatusException statusException) {
			HttpStatusCode status = statusException.getStatusCode();
			if (status.value() == HttpStatus.NOT_FOUND.value() || status.value() == HttpStatus.METHOD_NOT_ALLOWED.value()) {
				return new GatewayException(ErrorCode.UNKNOWN_URL,
						"Unknown request URL: " + request.getMethod() + " " + request.getPath().value());
			}
			if (status.value() == HttpStatus.PAYLOAD_TOO_LARGE.value()) {
				return new GatewayException(ErrorCode.REQUEST_TOO_LARGE, "The request body is too large.");
			}
			if (status.value() == HttpStatus.UNSUPPORTED_MEDIA_TYPE.value()) {
				return new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The request body must be application/json.");
			}
		}
		String requestId = exchange.getAttribute(GatewayAttributes.REQUEST_ID);
		logger.error("request_id=" + requestId + " failed unexpectedly", ex);
		return new GatewayException(ErrorCode.INTERNAL_ERROR,
				"The gateway failed to handle the request (request id " + requestId + ").");
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
