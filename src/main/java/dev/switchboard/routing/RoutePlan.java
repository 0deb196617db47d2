package dev.switchboard.routing;

import java.util.List;

/**
 * What the gateway will try for one request, in order.
 *
 * @param route the alias that matched, or {@code <provider>/*} for a direct provider model; low-cardinality, used in
 * metrics and logs
 * @param targets the targets, tried in this order until one answers
 */
public record RoutePlan(String route, List<Target> targets) {
}
