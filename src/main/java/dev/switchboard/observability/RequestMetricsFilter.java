package dev.switchboard.observability;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.switchboard.body.JsonRequest;
import dev.switchboard.dispatch.Answer;
import dev.switchboard.dispatch.AttemptLog;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;

/**
 * Records every {@code /v1/} request once it is over (for a stream: when its last byte is written or the client
 * left), from what the stages left in exchange attributes, and writes one access-log line at DEBUG.
 * <p>
 * A WebFilter, not a gateway filter, so that requests rejected before routing (unknown path, bad key) count too. It
 * sees errors before they are rendered, so their status is taken from the error itself.
 */
public class RequestMetricsFilter implements WebFilter, Ordered {

	/** Just after the request id is set. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private static final Log accessLog = LogFactory.getLog("dev.switchboard.access");

	private final GatewayMetrics metrics;

	public RequestMetricsFilter(GatewayMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getPath().value().startsWith("/v1/")) {
			return chain.filter(exchange);
		}
		Throwable[] error = new Throwable[1];
		return chain.filter(exchange)
			.doOnError(failure -> error[0] = failure)
			.doFinally(signal -> record(exchange, signal, error[0]));
	}

	private void record(ServerWebExchange exchange, SignalType signal, Throwable error) {
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
			this.metrics.request(route, provider, model, status, outcome, (attempts != null) ? attempts.attempts() : -1,
					nanos);
			if (accessLog.isDebugEnabled()) {
				JsonRequest body = exchange.getAttribute(GatewayAttributes.JSON_REQUEST);
				accessLog.debug("request_id=" + exchange.getAttribute(GatewayAttributes.REQUEST_ID) + " method="
						+ exchange.getRequest().getMethod() + " path=" + exchange.getRequest().getPath().value()
						+ " route=" + route + " provider=" + provider + " model=" + model + " stream="
						+ (body != null && body.stream()) + " status=" + status + " outcome=" + outcome + " attempts="
						+ ((attempts != null) ? attempts.attempts() : 0) + " duration_ms=" + nanos / 1_000_000);
			}
		}
		catch (RuntimeException ex) {
			// metrics never fail a request
			accessLog.warn("could not record request metrics", ex);
		}
	}

	private static String modelOf(RoutePlan plan) {
		return (plan != null && !plan.targets().isEmpty()) ? plan.targets().get(0).model() : "none";
	}

	private static int status(ServerWebExchange exchange, Throwable error) {
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
		return ORDER;
	}

}
