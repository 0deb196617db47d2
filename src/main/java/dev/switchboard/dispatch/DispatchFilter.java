package dev.switchboard.dispatch;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.handler.codec.http.HttpHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.body.JsonRequest;
import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.http.StaleConnectionException;
import dev.switchboard.provider.http.UpstreamHttpClient;
import dev.switchboard.resilience.Backoff;
import dev.switchboard.resilience.ContextLengthExceededException;
import dev.switchboard.resilience.FallbackPolicy;
import dev.switchboard.resilience.UpstreamStatusException;
import dev.switchboard.routing.HedgePolicy;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.EventLoopTimers;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.GatewayHeaders;

/**
 * Calls the route's targets in order until one answers, then hands that answer to the {@link ResponseWriter}. This
 * is the proxy step of the request path: a route here has several targets in several formats, not one URI.
 * <p>
 * Nothing reaches the client until a target has answered with a status that ends the search, so every failure up to
 * then can still move on to the next target. Each attempt runs through its provider's circuit breaker; an open
 * breaker skips the target without an upstream request, and is not counted in {@code x-switchboard-attempts}.
 * <p>
 * One per endpoint; {@link DispatchGlobalFilter} picks it in the dispatch slot of the filter chain.
 */
public class DispatchFilter {

	private static final Log logger = LogFactory.getLog(DispatchFilter.class);

	/** The keep-alive interval passed before any answer. */
	private static final Object COMMIT = new Object();

	private final Endpoint endpoint;

	private final ResponseWriter writer;

	private final AnswerReader reader;

	private final GatewayMetrics metrics;

	public DispatchFilter(Endpoint endpoint, StreamEnd streamEnd, GatewayMetrics metrics) {
		this.endpoint = endpoint;
		this.writer = new ResponseWriter(streamEnd);
		this.reader = new AnswerReader(streamEnd);
		this.metrics = metrics;
	}

	/** Answers the exchange from the route's targets: the end of its filter chain. */
	public Mono<Void> dispatch(ServerWebExchange exchange) {
		RoutePlan plan = exchange.getRequiredAttribute(GatewayAttributes.ROUTE_PLAN);
		JsonRequest body = exchange.getRequiredAttribute(GatewayAttributes.JSON_REQUEST);
		String requestId = exchange.getRequiredAttribute(GatewayAttributes.REQUEST_ID);
		Long start = exchange.getAttribute(GatewayAttributes.START_NANOS);
		long deadlineNanos = ((start != null) ? start : System.nanoTime()) + plan.deadline().toNanos();
		AttemptLog log = new AttemptLog();
		exchange.getAttributes().put(GatewayAttributes.ATTEMPT_LOG, log);
		Attempts attempts = new Attempts(plan, body, HeaderPolicy.forwardable(exchange.getRequest().getHeaders(), requestId),
				requestId, log, deadlineNanos, exchange.getAttribute(GatewayAttributes.PROVIDER_CREDENTIAL));
		Mono<Answer> answer = attempts.from(0)
			.switchIfEmpty(Mono.error(() -> exhausted(plan, log)))
			// the deadline bounds every attempt, retry and backoff; running out cancels the attempt in flight
			.timeout(remaining(deadlineNanos), Mono.error(() -> deadlineExceeded(plan, log)), EventLoopTimers.current())
			.doOnNext(chosen -> exchange.getAttributes().put(GatewayAttributes.ANSWER, chosen));
		if (!body.stream() || plan.keepAliveInterval().isZero()) {
			return answer.flatMap(chosen -> this.writer.write(exchange, chosen, log, remaining(deadlineNanos),
					plan.keepAliveInterval()));
		}
		return pingUntilAnswered(exchange, answer, attempts, log, deadlineNanos, plan.keepAliveInterval());
	}

	/**
	 * A stream request whose answer takes longer than the keep-alive interval gets its response committed then, with
	 * a {@code : ping}, so that proxies and load balancers keep the connection: status 200 and the headers of the
	 * target being tried. From that moment no other target is tried, and whatever goes wrong with the answer becomes
	 * an in-band error. An answer in time is written as usual, with every fallback still open before it.
	 */
	private Mono<Void> pingUntilAnswered(ServerWebExchange exchange, Mono<Answer> answer, Attempts attempts,
			AttemptLog log, long deadlineNanos, Duration keepAlive) {
		Sinks.One<Answer> outcome = Sinks.one();
		return Mono.using(() -> answer.subscribe(outcome::tryEmitValue, outcome::tryEmitError), running -> {
			Mono<Object> first = Mono.firstWithSignal(outcome.asMono(),
					Mono.delay(keepAlive, EventLoopTimers.current()).map(tick -> COMMIT));
			return first.flatMap(winner -> {
				if (winner instanceof Answer chosen) {
					return this.writer.write(exchange, chosen, log, remaining(deadlineNanos), keepAlive);
				}
				attempts.commit();
				return this.writer.writeCommitted(exchange, outcome.asMono(), attempts.current(), log,
						remaining(deadlineNanos), keepAlive);
			});
		}, Disposable::dispose);
	}

	private static Duration remaining(long deadlineNanos) {
		return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
	}

	private GatewayException deadlineExceeded(RoutePlan plan, AttemptLog log) {
		org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
		headers.set(GatewayHeaders.ATTEMPTS, Integer.toString(log.attempts()));
		headers.set(GatewayHeaders.ROUTING, log.routing());
		String tried = log.summary();
		return new GatewayException(ErrorCode.DEADLINE_EXCEEDED, "The deadline of route '" + plan.route() + "' ("
				+ plan.deadline().toMillis() + " ms) ran out before any target answered"
				+ (tried.isEmpty() ? "." : ": " + tried + "."), null, headers);
	}

	private GatewayException exhausted(RoutePlan plan, AttemptLog log) {
		org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
		headers.set(GatewayHeaders.ATTEMPTS, Integer.toString(log.attempts()));
		headers.set(GatewayHeaders.ROUTING, log.routing());
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

	/** The attempts of one request. */
	private final class Attempts {

		private final RoutePlan plan;

		private final JsonRequest body;

		private final HttpHeaders forwarded;

		private final String requestId;

		private final AttemptLog log;

		private final long deadlineNanos;

		/** A BYO key's own provider credential, or {@code null} for the configured provider key. */
		private final @Nullable String credential;

		/** The plan's targets in this request's order. */
		private final List<Target> targets;

		/** Set once the response is committed before an answer: no attempt starts after that. */
		private volatile boolean committed;

		/** The target of the latest attempt started. */
		private volatile @Nullable Target current;

		Attempts(RoutePlan plan, JsonRequest body, HttpHeaders forwarded, String requestId, AttemptLog log,
				long deadlineNanos, @Nullable String credential) {
			this.plan = plan;
			this.credential = credential;
			this.body = body;
			this.forwarded = forwarded;
			this.requestId = requestId;
			this.log = log;
			this.deadlineNanos = deadlineNanos;
			this.targets = plan.orderedTargets();
		}

		/** The first answer from target {@code index} on; empty when every remaining target failed. */
		Mono<Answer> from(int index) {
			if (index >= this.targets.size()) {
				return Mono.empty();
			}
			Target target = this.targets.get(index);
			String unsupported = target.provider().adapter().unsupportedReason(DispatchFilter.this.endpoint,
					DispatchFilter.this.endpoint.format());
			if (unsupported != null) {
				this.log.unsupported(target, unsupported);
				return from(index + 1);
			}
			Mono<Answer> here = onTarget(target, 0);
			Mono<Answer> rest = Mono.defer(() -> from(index + 1));
			HedgePolicy hedge = this.plan.hedge();
			Duration headStart = (hedge != null && index + 1 < this.targets.size()) ? hedge.after(target) : null;
			if (headStart == null) {
				return here.switchIfEmpty(rest);
			}
			String route = this.plan.route();
			return HedgedRace.race(here, rest, headStart, EventLoopTimers.current(), () -> !this.committed,
					new HedgedRace.Listener() {

						@Override
						public void hedged() {
							DispatchFilter.this.metrics.hedge(route, target.provider().id(), "started");
						}

						@Override
						public void ended(HedgedRace.Outcome outcome) {
							DispatchFilter.this.metrics.hedge(route, target.provider().id(),
									outcome.name().toLowerCase(java.util.Locale.ROOT));
						}

					});
		}

		void commit() {
			this.committed = true;
		}

		@Nullable Target current() {
			return this.current;
		}

		/**
		 * Attempt {@code retry} on {@code target}, then its same-target retries: empty when the target is given up
		 * on. A retry waits the backoff, and never less than the provider asked; a wait that does not fit in what is
		 * left of the deadline gives the target up at once.
		 */
		private Mono<Answer> onTarget(Target target, int retry) {
			return attempt(target).onErrorResume(FailedAttempt.class, failed -> {
				if (!failed.retryable || retry >= this.plan.retries()) {
					return Mono.empty();
				}
				Duration wait = Backoff.before(retry, failed.retryAfter);
				if (wait.compareTo(remaining(this.deadlineNanos)) >= 0) {
					this.log.gaveUp(target, "a retry after " + wait.toMillis() + " ms would pass the deadline");
					return Mono.empty();
				}
				DispatchFilter.this.metrics.retry(this.plan.route(), target.provider().id());
				this.log.waited(wait.toNanos());
				return Mono.delay(wait, EventLoopTimers.current()).then(Mono.defer(() -> onTarget(target, retry + 1)));
			});
		}

		/** One attempt on {@code target}: its answer, or a {@link FailedAttempt} (logged). */
		private Mono<Answer> attempt(Target target) {
			Provider provider = target.provider();
			// [0]: when the request went out, 0 until then and again once the target's stats have the outcome
			long[] startNanos = new long[1];
			return Mono.defer(() -> {
				if (this.committed) {
					return Mono.empty();
				}
				this.current = target;
				this.log.started();
				target.stats().started();
				startNanos[0] = System.nanoTime();
				return exchange(target);
			})
				.onErrorResume(StaleConnectionException.class, stale -> resend(target, stale, startNanos))
				// the first-byte timeout runs to the headers (here) and, for a stream, to its first event (the reader)
				.timeout(target.firstByteTimeout(), EventLoopTimers.current())
				// failures are raised inside the breaker's scope so that it counts them
				.flatMap(response -> {
					if (response.local()) {
						// answered by the gateway: not an upstream request, nor a sample of the target's latency
						this.log.answeredLocally(target, response.status());
						startNanos[0] = 0;
						target.stats().finished(-1);
					}
					return DispatchFilter.this.reader.read(target, response, startNanos[0]);
				})
				.transformDeferred(CircuitBreakerOperator.of(provider.circuitBreaker()))
				.doOnNext(answer -> {
					if (startNanos[0] == 0) {
						return; // answered locally
					}
					long firstByte = System.nanoTime() - startNanos[0];
					finished(target, startNanos, firstByte);
					this.log.answered(target, answer.status(), firstByte);
					DispatchFilter.this.metrics.upstreamAttempt(provider.id(), Integer.toString(answer.status()), firstByte);
				})
				.doOnCancel(() -> {
					long started = startNanos[0];
					if (finished(target, startNanos, -1)) {
						// a hedge lost, the deadline passed or the client left while this attempt was in flight
						this.log.cancelled(target, System.nanoTime() - started);
						DispatchFilter.this.metrics.upstreamAttempt(provider.id(), "cancelled", System.nanoTime() - started);
					}
				})
				.onErrorMap(failure -> !(failure instanceof GatewayException), failure -> {
					long started = startNanos[0];
					finished(target, startNanos, -1);
					return failed(target, failure, started);
				});
		}

		private Mono<UpstreamResponse> exchange(Target target) {
			return target.provider()
				.adapter()
				.exchange(new UpstreamCall(DispatchFilter.this.endpoint, target.model(),
						this.body.forUpstream(target.model(), target.dropFields()), this.forwarded, this.body.stream(),
						this.credential));
		}

		/**
		 * The request once more, on a new connection, after its reused connection closed before any byte of the
		 * answer, almost always the upstream closing it for idleness as the request went out. The resend is an
		 * attempt of its own, counted and listed like any other, but no retry: no backoff, and
		 * the breaker and the target's stats see only its outcome. The body is built again, as for every attempt, so
		 * no buffer that the first request released is sent. Not once the response is committed.
		 */
		private Mono<UpstreamResponse> resend(Target target, StaleConnectionException stale, long[] startNanos) {
			long started = startNanos[0];
			if (this.committed || started == 0) {
				return Mono.error(stale);
			}
			long now = System.nanoTime();
			this.log.resent(target, now - started);
			DispatchFilter.this.metrics.upstreamAttempt(target.provider().id(), AttemptLog.STALE_CONNECTION,
					now - started);
			if (logger.isDebugEnabled()) {
				logger.debug("request_id=" + this.requestId + " route=" + this.plan.route() + " provider="
						+ target.provider().id() + " model=" + target.model()
						+ " reused connection closed before the response, resending on a new connection");
			}
			this.log.started();
			startNanos[0] = now;
			return exchange(target).contextWrite(UpstreamHttpClient::onNewConnection);
		}

		/** Gives the target's stats the attempt's outcome, once: whether this call did. */
		private static boolean finished(Target target, long[] startNanos, long firstByteNanos) {
			if (startNanos[0] != 0) {
				startNanos[0] = 0;
				target.stats().finished(firstByteNanos);
				return true;
			}
			return false;
		}

		private FailedAttempt failed(Target target, Throwable failure, long startNanos) {
			String provider = target.provider().id();
			if (failure instanceof CallNotPermittedException) {
				this.log.skipped(target, "circuit breaker open");
				DispatchFilter.this.metrics.fallback(this.plan.route(), provider, "circuit_open");
				return new FailedAttempt(false, null);
			}
			String reason = FallbackPolicy.describe(failure);
			UpstreamStatusException status = (failure instanceof UpstreamStatusException e) ? e : null;
			String kind = FallbackPolicy.kind(failure);
			long nanos = System.nanoTime() - startNanos;
			this.log.failed(target, reason, kind, (status != null) ? status.status() : 0,
					(status != null) ? status.retryAfter() : null, nanos);
			DispatchFilter.this.metrics.upstreamAttempt(provider, kind, nanos);
			DispatchFilter.this.metrics.fallback(this.plan.route(), provider, kind);
			if (logger.isInfoEnabled()) {
				logger.info("request_id=" + this.requestId + " route=" + this.plan.route() + " provider=" + provider
						+ " model=" + target.model() + " attempt failed: " + reason);
			}
			// a prompt too long for this model is too long on every retry of it
			return new FailedAttempt(!(failure instanceof ContextLengthExceededException),
					(status != null) ? status.retryAfter() : null);
		}

	}

	/** An attempt that failed and has been logged; whether the same target may be tried again, and when. */
	private static final class FailedAttempt extends RuntimeException {

		private final boolean retryable;

		private final @Nullable Duration retryAfter;

		FailedAttempt(boolean retryable, @Nullable Duration retryAfter) {
			super(null, null, false, false);
			this.retryable = retryable;
			this.retryAfter = retryAfter;
		}

	}

}
