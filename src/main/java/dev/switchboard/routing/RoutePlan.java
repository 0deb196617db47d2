package dev.switchboard.routing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * What the gateway will try for one request, in order.
 *
 * @param route the alias that matched, or {@code <provider>/*} for a direct provider model; low-cardinality, used in
 * metrics and logs
 * @param targets the targets, tried in this order until one answers
 * @param deadline the whole request's budget
 * @param retries extra attempts on the same target before the next one
 * @param strategy who goes first
 * @param counter the route's request counter, for round-robin
 * @param keepAliveInterval silence in a stream after which a {@code : ping} comment is sent; zero for none
 * @param hedge when to start the next target alongside a slow one; {@code null} for never
 */
public record RoutePlan(String route, List<Target> targets, Duration deadline, int retries, Strategy strategy,
		AtomicInteger counter, Duration keepAliveInterval, @Nullable HedgePolicy hedge) {

	/** Keep-alive interval of direct {@code provider/model} requests and of routes that set none. */
	public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);

	/** A plan whose targets are tried in the listed order, with the default keep-alive. */
	public RoutePlan(String route, List<Target> targets, Duration deadline, int retries) {
		this(route, targets, deadline, retries, Strategy.FALLBACK, new AtomicInteger(), DEFAULT_KEEP_ALIVE, null);
	}

	/** The targets in the order to try them for this request. */
	public List<Target> orderedTargets() {
		return (this.targets.size() < 2) ? this.targets : this.strategy.order(this.targets, this.counter);
	}

	/** Deadline of direct {@code provider/model} requests and of routes that set none. */
	public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(300);

}
