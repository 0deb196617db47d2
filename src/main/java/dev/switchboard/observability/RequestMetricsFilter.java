package dev.switchboard.observability;

import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.context.Context;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.auth.GatewayKey;
import dev.switchboard.body.JsonRequest;
import dev.switchboard.config.FilterOrder;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.dispatch.Answer;
import dev.switchboard.dispatch.AttemptLog;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.GatewayHeaders;
import dev.switchboard.support.RouteKind;
import dev.switchboard.support.TokenUsage;

/**
 * Records every {@code /v1/} request once it is over (for a stream: when its last byte is written or the client
 * left), from what the stages left in exchange attributes: the {@code switchboard.requests} and {@code gen_ai.*}
 * meters, one access-log line at INFO on {@code dev.switchboard.access} (with {@code switchboard.access-log}), and,
 * when tracing is on, the request's span.
 * <p>
 * First of the AI and passthrough routes' filters ({@link FilterOrder#OBSERVE}), so that requests rejected early
 * (unknown path, bad key) count too; it also names the SCG route in {@code x-switchboard-route}. Plain SCG routes
 * pass through untouched. It sees errors
 * before they are rendered, so their status is taken from the error itself.
 * <p>
 * The access log names the request and what served it; it never holds a key (only the key's configured name), a
 * prompt or a completion. Its fields are SLF4J key-value pairs, which Spring Boot's structured logging
 * ({@code logging.structured.format.console: ecs}) writes as JSON fields; the plain-text message carries the same.
 */
public class RequestMetricsFilter implements GlobalFilter, Ordered {

	/** The access log's logger. */
	public static final String ACCESS_LOG = "dev.switchboard.access";

	private static final Logger accessLog = LoggerFactory.getLogger(ACCESS_LOG);

	private final GatewayMetrics metrics;

	private final RuntimeConfigHolder configs;

	private final @Nullable GatewayTracing tracing;

	/**
	 * @param tracing the spans to write, or {@code null} when tracing is off
	 */
	public RequestMetricsFilter(GatewayMetrics metrics, RuntimeConfigHolder configs, @Nullable GatewayTracing tracing) {
		this.metrics = metrics;
		this.configs = configs;
		this.tracing = tracing;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = RouteKind.route(exchange);
		if (RouteKind.of(route) == RouteKind.OTHER) {
			return chain.filter(exchange);
		}
		exchange.getResponse().getHeaders().set(GatewayHeaders.ROUTE, route.getId());
		Throwable[] error = new Throwable[1];
		if (this.tracing == null) {
			return chain.filter(exchange)
				.doOnError(failure -> error[0] = failure)
				.doFinally(signal -> record(exchange, signal, error[0], null))
				.contextWrite(RequestMetricsFilter::withoutObservation);
		}
		Span span = this.tracing.startRequest(exchange);
		return chain.filter(exchange)
			.doOnError(failure -> error[0] = failure)
			.doFinally(signal -> record(exchange, signal, error[0], span))
			.contextWrite(context -> withoutObservation(context).put(GatewayTracing.REQUEST_SPAN, span));
	}

	/**
	 * The request's Reactor context without WebFlux's server observation. {@code HttpWebHandlerAdapter} puts one in
	 * every request's context (a no-op one while {@code http.server.requests} is off), and with
	 * context-propagation on the class path every {@code handle} and {@code tap} operator then restores thread locals
	 * from it on every signal: for a stream, on every event. The gateway's own meters and span cover AI requests, so
	 * the AI path runs without it (measured in docs/performance.md).
	 */
	private static Context withoutObservation(Context context) {
		return context.hasKey(ObservationThreadLocalAccessor.KEY) ? context.delete(ObservationThreadLocalAccessor.KEY)
				: context;
	}

	private void record(ServerWebExchange exchange, SignalType signal, @Nullable Throwable error, @Nullable Span span) {
		try {
			int status = status(exchange, error);
			RoutePlan plan = exchange.getAttribute(GatewayAttributes.ROUTE_PLAN);
			Answer answer = exchange.getAttribute(GatewayAttributes.ANSWER);
			AttemptLog attempts = exchange.getAttribute(GatewayAttributes.ATTEMPT_LOG);
			String route = (plan != null) ? plan.route() : "none";
			String provider = (answer != null) ? answer.target().provider().id() : "none";
			String model = (answer != null) ? answer.target().model() : modelOf(plan);
			String outcome = outcome(exchange, signal, status);
			Long start = exchange.getAttribute(GatewayAttributes.START_NANOS);
			long nanos = (start != null) ? System.nanoTime() - start : 0;
			// the quota slot's reading (streams, estimates, a cache hit's original usage), else the JSON answer's
			TokenUsage usage = exchange.getAttribute(GatewayAttributes.USAGE);
			if (usage == null) {
				usage = (answer != null) ? answer.usage() : TokenUsage.UNKNOWN;
			}
			GatewayKey caller = exchange.getAttribute(GatewayAttributes.GATEWAY_KEY);
			String path = exchange.getRequest().getPath().value();
			this.metrics.request(route, provider, model, status, outcome, (attempts != null) ? attempts.attempts() : -1,
					nanos);
			Long overhead = exchange.getAttribute(GatewayAttributes.OVERHEAD_NANOS);
			if (overhead != null) {
				this.metrics.overhead(route, overhead);
			}
			String providerName = null;
			if (plan != null && !plan.targets().isEmpty()) {
				// a request that reached model resolution is a GenAI operation, answered or not
				providerName = GenAiConventions.providerName(((answer != null) ? answer.target() : plan.targets().get(0))
					.provider()
					.type());
				this.metrics.genAiOperation(GenAiConventions.operation(path), providerName, model,
						errorType(status, outcome), nanos, usage, (caller != null) ? caller.name() : "none", route);
			}
			if (span != null) {
				endSpan(span, exchange, plan, model, providerName, provider, status, outcome, usage, error);
			}
			RuntimeConfig config = exchange.getAttribute(GatewayAttributes.RUNTIME_CONFIG);
			boolean enabled = ((config != null) ? config : this.configs.current()).accessLog();
			if (enabled && accessLog.isInfoEnabled()) {
				accessLog(exchange, path, route, provider, model, status, outcome, attempts, nanos, usage, span);
			}
		}
		catch (RuntimeException ex) {
			// metrics never fail a request
			accessLog.warn("could not record request metrics", ex);
		}
	}

	private static void accessLog(ServerWebExchange exchange, String path, String route, String provider, String model,
			int status, String outcome, @Nullable AttemptLog attempts, long nanos, TokenUsage usage,
			@Nullable Span span) {
		String requestId = exchange.getAttribute(GatewayAttributes.REQUEST_ID);
		String method = exchange.getRequest().getMethod().name();
		JsonRequest body = exchange.getAttribute(GatewayAttributes.JSON_REQUEST);
		GatewayKey key = exchange.getAttribute(GatewayAttributes.GATEWAY_KEY);
		long millis = nanos / 1_000_000;
		int attemptCount = (attempts != null) ? attempts.attempts() : 0;
		StringBuilder message = new StringBuilder(200).append(method)
			.append(' ')
			.append(path)
			.append(' ')
			.append(status)
			.append(' ')
			.append(millis)
			.append(" ms request_id=")
			.append(requestId);
		LoggingEventBuilder event = accessLog.atInfo()
			.addKeyValue("request_id", requestId)
			.addKeyValue("method", method)
			.addKeyValue("path", path)
			.addKeyValue("status", status)
			.addKeyValue("outcome", outcome)
			.addKeyValue("latency_ms", millis)
			.addKeyValue("route", route)
			.addKeyValue("provider", provider)
			.addKeyValue("model", model)
			.addKeyValue("attempts", attemptCount)
			.addKeyValue("stream", body != null && body.stream());
		if (span != null) {
			String traceId = GatewayTracing.traceId(span);
			event.addKeyValue("trace_id", traceId);
			message.append(" trace_id=").append(traceId);
		}
		message.append(" route=")
			.append(route)
			.append(" provider=")
			.append(provider)
			.append(" model=")
			.append(model)
			.append(" outcome=")
			.append(outcome)
			.append(" attempts=")
			.append(attemptCount);
		if (key != null) {
			event.addKeyValue("key_name", key.name());
			message.append(" key_name=").append(key.name());
		}
		if (usage.inputTokens() >= 0) {
			event.addKeyValue("input_tokens", usage.inputTokens());
			message.append(" input_tokens=").append(usage.inputTokens());
		}
		if (usage.outputTokens() >= 0) {
			event.addKeyValue("output_tokens", usage.outputTokens());
			message.append(" output_tokens=").append(usage.outputTokens());
		}
		if (usage.cachedInputTokens() > 0) {
			event.addKeyValue("cached_input_tokens", usage.cachedInputTokens());
			message.append(" cached_input_tokens=").append(usage.cachedInputTokens());
		}
		if (usage.reasoningTokens() > 0) {
			event.addKeyValue("reasoning_tokens", usage.reasoningTokens());
			message.append(" reasoning_tokens=").append(usage.reasoningTokens());
		}
		if (usage.estimated()) {
			event.addKeyValue("usage_estimated", true);
			message.append(" usage_estimated=true");
		}
		Long cost = exchange.getAttribute(GatewayAttributes.COST_MICRO_USD);
		if (cost != null) {
			String usd = java.math.BigDecimal.valueOf(cost, 6).toPlainString();
			event.addKeyValue("cost_usd", usd);
			message.append(" cost_usd=").append(usd);
		}
		if (Boolean.TRUE.equals(exchange.getAttribute(GatewayAttributes.CACHE_HIT))) {
			event.addKeyValue("cached", true);
			message.append(" cached=true");
		}
		event.log(message.toString());
	}

	private static void endSpan(Span span, ServerWebExchange exchange, @Nullable RoutePlan plan, String model,
			@Nullable String providerName, String provider, int status, String outcome, TokenUsage usage,
			@Nullable Throwable error) {
		String operation = GenAiConventions.operation(exchange.getRequest().getPath().value());
		JsonRequest body = exchange.getAttribute(GatewayAttributes.JSON_REQUEST);
		String requested = (body != null) ? body.model() : null;
		if (requested != null) {
			span.name(operation + " " + requested);
			span.tag(GenAiConventions.REQUEST_MODEL, requested);
		}
		span.tag(GenAiConventions.OPERATION_NAME, operation);
		if (providerName != null) {
			span.tag(GenAiConventions.PROVIDER_NAME, providerName);
			span.tag(GenAiConventions.SYSTEM, providerName);
		}
		if (!"none".equals(provider)) {
			span.tag("switchboard.provider", provider);
			span.tag(GenAiConventions.RESPONSE_MODEL, model);
		}
		if (plan != null) {
			span.tag("switchboard.route", plan.route());
		}
		String requestId = exchange.getAttribute(GatewayAttributes.REQUEST_ID);
		if (requestId != null) {
			span.tag("switchboard.request_id", requestId);
		}
		span.tag("http.response.status_code", status);
		span.tag("switchboard.outcome", outcome);
		if (usage.inputTokens() >= 0) {
			span.tag(GenAiConventions.INPUT_TOKENS, usage.inputTokens());
		}
		if (usage.outputTokens() >= 0) {
			span.tag(GenAiConventions.OUTPUT_TOKENS, usage.outputTokens());
		}
		String errorType = errorType(status, outcome);
		if (errorType != null) {
			span.tag(GenAiConventions.ERROR_TYPE, errorType);
		}
		if (error != null) {
			span.error(error);
		}
		span.end();
	}

	/** {@code error.type}: the status of a failed request, or what happened to one that failed after its status. */
	private static @Nullable String errorType(int status, String outcome) {
		if (status >= 400) {
			return Integer.toString(status);
		}
		return ("interrupted".equals(outcome) || "cancelled".equals(outcome)) ? outcome : null;
	}

	private static String modelOf(@Nullable RoutePlan plan) {
		return (plan != null && !plan.targets().isEmpty()) ? plan.targets().get(0).model() : "none";
	}

	private static int status(ServerWebExchange exchange, @Nullable Throwable error) {
		if (error instanceof GatewayException gatewayException) {
			return gatewayException.code().status().value();
		}
		if (error instanceof org.springframework.web.server.ResponseStatusException statusException) {
			return statusException.getStatusCode().value();
		}
		if (error != null) {
			return 500;
		}
		HttpStatusCode code = exchange.getResponse().getStatusCode();
		return (code != null) ? code.value() : 200;
	}

	private static String outcome(ServerWebExchange exchange, SignalType signal, int status) {
		if (signal == SignalType.CANCEL) {
			return "cancelled";
		}
		if (Boolean.TRUE.equals(exchange.getAttribute(GatewayAttributes.STREAM_INTERRUPTED))) {
			return "interrupted";
		}
		if (status < 400) {
			return "success";
		}
		return (status < 500) ? "client_error" : "server_error";
	}

	@Override
	public int getOrder() {
		return FilterOrder.OBSERVE;
	}

}
