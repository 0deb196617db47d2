package dev.switchboard.config;

import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;

/**
 * The published order of Switchboard's Spring Cloud Gateway filters: one constant per slot, lower runs first. A
 * capability's {@code GlobalFilter} (or route filter) takes its slot from here, never a number of its own, so the
 * chain reads top to bottom in one place (docs/architecture.md draws it).
 * <p>
 * Every AI slot sits before SCG's {@link NettyWriteResponseFilter} ({@code -1}): dispatch answers the request itself
 * and ends the chain, so on an AI route SCG's own proxy and write filters never run. On a plain SCG route (an
 * {@code http(s)} URI) every Switchboard filter steps aside at once and SCG's filters do the work.
 * <p>
 * The gaps between slots are wide on purpose: a user's own {@code GlobalFilter} can go between any two of them.
 */
public final class FilterOrder {

	/** On completion: {@code switchboard.requests}, the GenAI meters, the span and the access log. First, so that a
	 * request refused by any later slot is counted too. */
	public static final int OBSERVE = -10_000;

	/**
	 * Plain SCG routes only: the body an AI path's request had read before route lookup is served again to SCG's
	 * proxy. Early, so a user's own route filters see it too.
	 */
	public static final int BODY_REPLAY = OBSERVE + 1;

	/** {@code switchboard-api}: a {@code /v1/} URL that is no endpoint is {@code 404 unknown_url}, key or not. */
	public static final int UNKNOWN_URL = -9_500;

	/** Gateway key -> the caller ({@code GatewayKey}: admin flag, model allow-list). */
	public static final int AUTH = -9_000;

	/** {@code GET /v1/models}: answered here from the configuration, for the caller's key. */
	public static final int MODELS = -8_500;

	/** The body read before route lookup: its error (media type, size, JSON, model) is raised here, after auth. */
	public static final int BODY = -8_000;

	/** The model (the request's, or a user route's {@code switchboard:} target) -> the {@code RoutePlan}. */
	public static final int RESOLVE = -7_000;

	/**
	 * The plan cut to the providers the caller's key may reach (and, with a BYO credential, to one provider); a
	 * passthrough's provider checked likewise.
	 */
	public static final int KEY_SCOPE = -6_500;

	/** Slot of the guardrails (redaction, masking, deny rules, webhook checks) on the request's texts. */
	public static final int GUARDRAILS = -6_000;

	/** Slot of rate limits, budgets and token reservations. */
	public static final int QUOTA = -5_000;

	/** Slot of the response cache: a hit answers here, an identical request in flight joins it. */
	public static final int CACHE = -4_000;

	/**
	 * Wire-format translation and dispatch: attempts over the plan's targets (each translated to its provider's
	 * format), the commit point, the answer written. Ends the chain and marks the exchange routed.
	 */
	public static final int DISPATCH = -3_000;

	/**
	 * {@code /proxy/{provider}/**}: the provider's URL and credential put in place, after SCG's
	 * {@link RouteToRequestUrlFilter} computed its own URL and before {@code NettyRoutingFilter} sends it.
	 */
	public static final int PROXY_TARGET = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;

	private FilterOrder() {
	}

}
