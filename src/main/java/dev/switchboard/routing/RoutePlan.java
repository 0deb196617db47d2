package dev.switchboard.routing;

import java.time.Duration;
import java.util.List;

/**
 * What the gateway will try for one request, in order.
 *
 * @param route the alias that matched, or {@code <provider>/*} for a direct provider model; low-cardinality, used in
 * metrics and logs
 * @param targets the targets, tried in this order until one answers
 * @param deadline the whole request's budget
 * @param retries extra attempts on the same target before the next one
 */
public record RoutePlan(String route, List<Target> targets, Duration deadline, int retries) {

	/** Deadline of direct {@code provider/model} requests and of routes that set none. */
	public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(300);

}
