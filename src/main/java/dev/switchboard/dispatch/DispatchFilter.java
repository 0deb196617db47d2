package dev.switchboard.dispatch;

import java.time.Duration;
import java.time.Instant;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.handler.codec.http.HttpHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.body.JsonRequest;
import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.resilience.FallbackPolicy;
import dev.switchboard.resilience.RetryAfter;
import dev.switchboard.resilience.UpstreamStatusException;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.GatewayHeaders;

/**
 * Calls the route's targets in order until one answers, then hands that answer to the {@link ResponseWriter}. This
 * replaces Spring Cloud Gateway's proxy step: a route here has several targets in several formats, not one URI.
 * <p>
 * Nothing reaches the client until a target has answered with a status that ends the search, so every failure up to
 * then can still move on to the next target. Each attempt runs through its provider's circuit breaker; an open
 * breaker skips the target without an upstream request, and is not counted in {@code x-switchboard-attempts}.
 */
public class DispatchFilter implements GatewayFilter, Ordered {

	/**
	 * Last of the gateway's filters and before {@link RouteToRequestUrlFilter}: this filter ends the chain, so Spring
	 * Cloud Gateway's URL rewriting and routing filters never run for these routes.
	 */
	public static final int ORDER = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER - 1;

	private static final Log logger = LogFactory.getLog(DispatchFilter.class);

	private final Endpoint endpoint;

	private final ResponseWriter writer;

	private final GatewayMetrics metrics;

	public DispatchFilter(Endpoint endpoint, StreamEnd streamEnd, GatewayMetrics metrics) {
		this.endpoint = endpoint;
		this.writer = new ResponseWriter(streamEnd);
		this.metrics = metrics;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ServerWebExchangeUtils.setAlreadyRouted(exchange);
		RoutePlan plan = exchange.getRequiredAttribute(GatewayAttributes.ROUTE_PLAN);
		JsonRequest body = exchange.getRequiredAttribute(GatewayAttributes.JSON_REQUEST);
		String requestId = exchange.getRequiredAttribute(GatewayAttributes.REQUEST_ID);
		AttemptLog log = new AttemptLog();
		exchange.getAttributes().put(GatewayAttributes.ATTEMPT_LOG, log);
		Attempts attempts = new Attempts(plan, body, HeaderPolicy.forwardable(exchange.getRequest().getHeaders(), requestId),
				requestId, log);
		return attempts.from(0)
			.switchIfEmpty(Mono.error(() -> exhausted(plan, log)))
			.flatMap(answer -> {
				exchange.getAttributes().put(GatewayAttributes.ANSWER, answer);
				return this.writer.write(exchange, answer, log);
			});
	}

	private GatewayException exhausted(RoutePlan plan, AttemptLog log) {
		org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
		headers.set(GatewayHeaders.ATTEMPTS, Integer.toString(log.attempts()));
		if (log.noneSupported()) {
			return new GatewayException(ErrorCode.UNSUPPORTED_BY_PROVIDER, "No target of route '" + plan.route()
					+ "' can serve POST " + this.endpoint.path() + ": " + log.summary() + ".", "model", headers);
		}
		if (log.allRateLimited()) {
			Duration wait = log.shortestRetryAfter();
			if (wait != null) {
				headers.set("Retry-After", Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
			}
			return new GatewayException(ErrorCode.RATE_LIMITED,
					"Every target of route '" + plan.route() + "' is rate limited: " + log.summary() + ".", null, headers);
		}
		return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
				"Every target of route '" + plan.route() + "' failed: " + log.summary() + ".", null, headers);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/** The attempts of one request. */
	private final class Attempts {

		private final RoutePlan plan;

		private final JsonRequest body;

		private final HttpHeaders forwarded;

		private final String requestId;

		private final AttemptLog log;

		Attempts(RoutePlan plan, JsonRequest body, HttpHeaders forwarded, String requestId, AttemptLog log) {
			this.plan = plan;
			this.body = body;
			this.forwarded = forwarded;
			this.requestId = requestId;
			this.log = log;
		}

		/** The first answer from target {@code index} on; empty when every remaining target failed. */
		Mono<Answer> from(int index) {
			if (index >= this.plan.targets().size()) {
				return Mono.empty();
			}
			Target target = this.plan.targets().get(index);
			String unsupported = target.provider().adapter().unsupportedReason(DispatchFilter.this.endpoint, WireFormat.OPENAI);
			if (unsupported != null) {
				this.log.unsupported(target, unsupported);
				return from(index + 1);
			}
			return attempt(target).switchIfEmpty(Mono.defer(() -> from(index + 1)));
		}

		/** One attempt on {@code target}: its answer, or empty when it failed (the failure is logged). */
		private Mono<Answer> attempt(Target target) {
			Provider provider = target.provider();
			long[] startNanos = new long[1];
			return Mono.defer(() -> {
				this.log.started();
				startNanos[0] = System.nanoTime();
				return provider.adapter()
					.exchange(new UpstreamCall(DispatchFilter.this.endpoint, target.model(),
							this.body.withModel(target.model()), this.forwarded, this.body.stream(), provider.timeout()));
			})
				// a status that falls back is a failure to the circuit breaker: raise it inside the breaker's scope
				.flatMap(DispatchFilter::failIfFallsBack)
				.transformDeferred(CircuitBreakerOperator.of(provider.circuitBreaker()))
				.map(response -> {
					DispatchFilter.this.metrics.upstreamAttempt(provider.id(), Integer.toString(response.status()),
							System.nanoTime() - startNanos[0]);
					return new Answer(target, response);
				})
				.onErrorResume(failure -> !(failure instanceof GatewayException), failure -> {
					failed(target, failure, startNanos[0]);
					return Mono.empty();
				});
		}

		private void failed(Target target, Throwable failure, long startNanos) {
			String provider = target.provider().id();
			if (failure instanceof CallNotPermittedException) {
				this.log.skipped(target, "circuit breaker open");
				DispatchFilter.this.metrics.fallback(this.plan.route(), provider, "circuit_open");
				return;
			}
			String reason = FallbackPolicy.describe(failure);
			UpstreamStatusException status = (failure instanceof UpstreamStatusException e) ? e : null;
			this.log.failed(target, reason, (status != null) ? status.status() : 0,
					(status != null) ? status.retryAfter() : null);
			String kind = FallbackPolicy.kind(failure);
			DispatchFilter.this.metrics.upstreamAttempt(provider, kind, System.nanoTime() - startNanos);
			DispatchFilter.this.metrics.fallback(this.plan.route(), provider, kind);
			if (logger.isInfoEnabled()) {
				logger.info("request_id=" + this.requestId + " route=" + this.plan.route() + " provider=" + provider
						+ " model=" + target.model() + " attempt failed: " + reason);
			}
		}

	}

	private static Mono<UpstreamResponse> failIfFallsBack(UpstreamResponse response) {
		if (!FallbackPolicy.fallsBack(response.status())) {
			return Mono.just(response);
		}
		Duration retryAfter = RetryAfter.parse(response.headers().get("retry-after"), Instant.now());
		response.discard();
		return Mono.error(new UpstreamStatusException(response.status(), retryAfter));
	}

}
