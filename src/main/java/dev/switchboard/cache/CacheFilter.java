package dev.switchboard.cache;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.auth.GatewayKey;
import dev.switchboard.body.JsonRequest;
import dev.switchboard.config.FilterOrder;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.dispatch.AnswerHooks;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.support.EventLoopTimers;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.RouteKind;

/**
 * The cache slot: on a route with a cache, a stored answer for the request is written here and the chain ends; an
 * identical request already in flight is joined; otherwise the request goes on to dispatch as the leader of its
 * flight, with a {@link CaptureHook} on its answer.
 * <p>
 * Lookups go: the exact key in the store, an identical request in flight, then (semantic mode) a similar
 * conversation. {@code Cache-Control: no-store} on the request skips the cache altogether; {@code no-cache} skips
 * the lookups but stores the answer. Every answer of a cached route says what happened in
 * {@code x-switchboard-cache} ({@code hit}, {@code semantic-hit}, {@code miss}, {@code bypass}).
 */
public class CacheFilter implements GlobalFilter, Ordered {

	/** Requests larger than this have their key computed off the event loop (a parse of the whole body). */
	private static final int INLINE_KEY_BYTES = 64 * 1024;

	private final RuntimeConfigHolder configs;

	private final ResponseCache cache;

	/** Keys of the bodies kept inline (the large ones are keyed off the event loop, where a parse costs nothing). */
	private final CanonicalKeys keys = new CanonicalKeys();

	CacheFilter(RuntimeConfigHolder configs, ResponseCache cache) {
		this.configs = configs;
		this.cache = cache;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (RouteKind.of(exchange) != RouteKind.AI) {
			return chain.filter(exchange);
		}
		RoutePlan plan = exchange.getAttribute(GatewayAttributes.ROUTE_PLAN);
		Endpoint endpoint = exchange.getAttribute(GatewayAttributes.ENDPOINT);
		JsonRequest body = exchange.getAttribute(GatewayAttributes.JSON_REQUEST);
		if (plan == null || endpoint == null || body == null || !AnswerForms.cacheable(endpoint)) {
			return chain.filter(exchange);
		}
		RuntimeConfig config = this.configs.pinned(exchange);
		CachePolicy policy = config.cache().of(plan.route());
		if (policy == null) {
			return chain.filter(exchange);
		}
		Control control = Control.of(exchange.getRequest().getHeaders());
		if (control == Control.NO_STORE) {
			return bypass(exchange, chain, plan.route());
		}
		GatewayKey caller = exchange.getAttribute(GatewayAttributes.GATEWAY_KEY);
		String owner = policy.shared() ? null : ((caller != null) ? caller.name() : "anonymous");
		Mono<CacheKey> key = (body.bytes().length <= INLINE_KEY_BYTES)
				? Mono.justOrEmpty(this.keys.of(endpoint, plan.route(), owner, body.stream(), body.bytes(), policy.semantic()))
				: Mono.fromCallable(() -> CacheKey.of(endpoint, plan.route(), owner, body.stream(), body.bytes(),
						policy.semantic())).subscribeOn(Schedulers.parallel()).publishOn(EventLoopTimers.current());
		// List: the key, or none for a body that is not a JSON object (never empty: an empty Mono<Void> is success)
		return key.map(List::of).defaultIfEmpty(List.of()).flatMap(found -> {
			if (found.isEmpty()) {
				return chain.filter(exchange);
			}
			CacheLookup lookup = new CacheLookup(this.cache, config, endpoint, plan.route(), policy, found.get(0),
					body.bytes(), body.stream(), control == Control.NO_CACHE);
			return (control == Control.NO_CACHE) ? refresh(exchange, chain, lookup) : lookUp(exchange, chain, lookup);
		});
	}

	/** {@code no-store}: neither looked up nor stored. */
	private Mono<Void> bypass(ServerWebExchange exchange, GatewayFilterChain chain, String route) {
		exchange.getResponse().getHeaders().set(CacheReplay.HEADER, "bypass");
		this.cache.metrics().request(route, "bypass");
		return chain.filter(exchange);
	}

	/** {@code no-cache}: a fresh answer, stored for the next request; it neither joins nor leads a flight. */
	private Mono<Void> refresh(ServerWebExchange exchange, GatewayFilterChain chain, CacheLookup lookup) {
		exchange.getResponse().getHeaders().set(CacheReplay.HEADER, "bypass");
		this.cache.metrics().request(lookup.route(), "bypass");
		return upstream(exchange, chain, lookup, null);
	}

	private Mono<Void> lookUp(ServerWebExchange exchange, GatewayFilterChain chain, CacheLookup lookup) {
		String exact = lookup.key().exact();
		// what answers elsewhere (Redis, the embedding model) comes back to the request's own event loop
		Scheduler loop = EventLoopTimers.current();
		Mono<CachedAnswer> stored = this.cache.store().get(exact);
		if (!this.cache.store().inMemory()) {
			stored = stored.publishOn(loop);
		}
		// Object: a stored answer (Found) or a flight to join, whichever comes first; an answer this request may
		// not be served (streams-from-json: false) is as good as none
		Mono<Object> decision = stored.filter(lookup::servable)
			.<Object>map(found -> new Found(found, "hit"))
			.switchIfEmpty(Mono.defer(() -> {
				Flight flight = this.cache.singleflight().current(lookup.flightKey());
				if (flight != null) {
					return Mono.just(flight);
				}
				return this.cache.similar(lookup)
					.publishOn(loop)
					.filter(lookup::servable)
					.map(found -> new Found(found, "semantic-hit"));
			}));
		return decision.map(List::of).defaultIfEmpty(List.of()).flatMap(found -> {
			if (found.isEmpty()) {
				return lead(exchange, chain, lookup);
			}
			if (found.get(0) instanceof Found hit) {
				return serve(exchange, chain, lookup, hit);
			}
			return follow(exchange, chain, lookup, (Flight) found.get(0));
		});
	}

	/** A stored answer, in the client's form; one that cannot be converted to it is a miss. */
	private Mono<Void> serve(ServerWebExchange exchange, GatewayFilterChain chain, CacheLookup lookup, Found found) {
		CachedAnswer answer = this.cache.forms().inClientForm(lookup, found.answer());
		if (answer == null) {
			return lead(exchange, chain, lookup);
		}
		this.cache.metrics().request(lookup.route(), found.result().replace('-', '_'));
		this.cache.metrics().saved(lookup.route(), answer);
		return CacheReplay.write(exchange, answer, found.result());
	}

	/** The first of its key in flight goes upstream; one that lost the race to lead joins the winner. */
	private Mono<Void> lead(ServerWebExchange exchange, GatewayFilterChain chain, CacheLookup lookup) {
		Flight flight = this.cache.singleflight().lead(lookup.flightKey());
		if (flight == null) {
			Flight leader = this.cache.singleflight().current(lookup.flightKey());
			if (leader != null) {
				return follow(exchange, chain, lookup, leader);
			}
		}
		exchange.getResponse().getHeaders().set(CacheReplay.HEADER, "miss");
		this.cache.metrics().request(lookup.route(), "miss");
		return upstream(exchange, chain, lookup, flight);
	}

	/**
	 * A follower: a JSON client waits for the whole answer; a stream client gets the leader's stream from its first
	 * event (or, for a JSON leader, the whole answer as a stream). Until something was written, a leader that fails
	 * sends the follower upstream on its own.
	 */
	private Mono<Void> follow(ServerWebExchange exchange, GatewayFilterChain chain, CacheLookup lookup, Flight flight) {
		Mono<Void> alone = Mono.defer(() -> {
			exchange.getResponse().getHeaders().set(CacheReplay.HEADER, "miss");
			this.cache.metrics().request(lookup.route(), "miss");
			return upstream(exchange, chain, lookup, null);
		});
		// the leader signals from its own thread: this follower goes on on its event loop
		Scheduler loop = EventLoopTimers.current();
		Mono<Flight.Head> head = flight.started();
		// Object: the leader's head, or the whole answer, whichever this follower needs first
		Mono<Object> first = (lookup.stream() && !flight.eventsEnded()) ? head.map(found -> (Object) found)
				: flight.done().map(found -> (Object) found);
		return first.publishOn(loop)
			.map(List::of)
			.onErrorResume(Flight.LeaderFailed.class, failed -> Mono.just(List.of()))
			.flatMap(got -> {
				if (got.isEmpty()) {
					return alone;
				}
				Object known = got.get(0);
				if (known instanceof Flight.Head leading && leading.stream()) {
					this.cache.metrics().request(lookup.route(), "joined");
					// the tokens saved are known once the leader's answer is whole
					flight.done().subscribe(whole -> this.cache.metrics().saved(lookup.route(), whole),
							failure -> {
							});
					return CacheReplay.live(exchange, lookup, flight, leading);
				}
				return flight.done().publishOn(loop).map(List::of)
					.onErrorResume(Flight.LeaderFailed.class, failed -> Mono.just(List.of()))
					.flatMap(whole -> {
						if (whole.isEmpty()) {
							return alone;
						}
						CachedAnswer answer = this.cache.forms().inClientForm(lookup, whole.get(0));
						if (answer == null) {
							return alone;
						}
						this.cache.metrics().request(lookup.route(), "joined");
						this.cache.metrics().saved(lookup.route(), answer);
						return CacheReplay.write(exchange, answer, "hit");
					});
			});
	}

	/** Goes upstream with the capture hook on the answer; {@code flight} is the one this request leads, if any. */
	private Mono<Void> upstream(ServerWebExchange exchange, GatewayFilterChain chain, CacheLookup lookup,
			@Nullable Flight flight) {
		CaptureHook hook = new CaptureHook(lookup, flight);
		AnswerHooks.add(exchange, hook);
		return chain.filter(exchange).doFinally(signal -> hook.ended());
	}

	@Override
	public int getOrder() {
		// after quota (a hit still counts as a request), before dispatch (a hit never goes upstream)
		return FilterOrder.CACHE;
	}

	/** A stored answer and the header value it is served with. */
	private record Found(CachedAnswer answer, String result) {
	}

	/** The request's {@code Cache-Control} directives that matter here. */
	private enum Control {

		NONE, NO_CACHE, NO_STORE;

		static Control of(HttpHeaders headers) {
			List<String> values = headers.get(HttpHeaders.CACHE_CONTROL);
			if (values == null) {
				return NONE;
			}
			Control control = NONE;
			for (String value : values) {
				for (String directive : value.split(",")) {
					String name = directive.trim().toLowerCase(Locale.ROOT);
					if (name.equals("no-store")) {
						return NO_STORE;
					}
					if (name.equals("no-cache")) {
						control = NO_CACHE;
					}
				}
			}
			return control;
		}

	}

}
