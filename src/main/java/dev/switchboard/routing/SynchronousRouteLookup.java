package dev.switchboard.routing;

import java.util.List;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.web.server.ServerWebExchange;

/**
 * SCG's {@link RoutePredicateHandlerMapping} with a route lookup that walks the routes as a plain loop while their
 * predicates answer synchronously, which every built-in predicate but {@code ReadBody} does (SCG wraps a synchronous
 * predicate so that it answers with an already-known {@code Mono.just}; {@code and}/{@code or} of such answer during
 * subscription). SCG's own lookup does the same walk as a reactive pipeline over its cached route flux: a replayed
 * signal per route, a {@code filterWhen} inner subscription per predicate, and a discard hook lookup for every route
 * after the match. Same routes, same order, same {@code GATEWAY_PREDICATE_ROUTE_ATTR} while each predicate is tested
 * (the {@code Weight} predicate reads it), same treatment of a predicate that fails (logged, not a match). A
 * predicate that answers later (a body read) is waited for, and the walk goes on after it.
 * <p>
 * The route list is taken from the route locator after each refresh SCG reports; until the first one the lookup is
 * SCG's own.
 */
public class SynchronousRouteLookup extends RoutePredicateHandlerMapping
		implements ApplicationListener<RefreshRoutesResultEvent> {

	private final RouteLocator routeLocator;

	private volatile @Nullable List<Route> routes;

	public SynchronousRouteLookup(FilteringWebHandler webHandler, RouteLocator routeLocator,
			GlobalCorsProperties globalCorsProperties, Environment environment) {
		super(webHandler, routeLocator, globalCorsProperties, environment);
		this.routeLocator = routeLocator;
	}

	@Override
	public void onApplicationEvent(RefreshRoutesResultEvent event) {
		if (event.isSuccess()) {
			// the locator answers from the cache it has just refreshed: no I/O, done on this thread
			this.routeLocator.getRoutes().collectList().subscribe(list -> this.routes = List.copyOf(list));
		}
	}

	@Override
	protected Mono<Route> lookupRoute(ServerWebExchange exchange) {
		List<Route> all = this.routes;
		return (all != null) ? lookupIn(all, exchange) : super.lookupRoute(exchange);
	}

	private Mono<Route> lookupIn(List<Route> all, ServerWebExchange exchange) {
		for (int i = 0; i < all.size(); i++) {
			Route route = all.get(i);
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR, route.getId());
			Publisher<Boolean> test;
			try {
				test = route.getPredicate().apply(exchange);
			}
			catch (Exception ex) {
				logger.error("Error applying predicate for route: " + route.getId(), ex);
				continue;
			}
			Boolean matched;
			if (test instanceof Callable<?> known) {
				// Mono.just(...): the answer is already there
				try {
					matched = Boolean.TRUE.equals(known.call());
				}
				catch (Exception ex) {
					logger.error("Error applying predicate for route: " + route.getId(), ex);
					continue;
				}
			}
			else {
				Answer answer = new Answer();
				test.subscribe(answer);
				if (!answer.done) {
					// an asynchronous predicate: wait for it, then walk on from the next route
					List<Route> rest = all.subList(i + 1, all.size());
					return answer.later().flatMap(yes -> yes ? Mono.just(validated(route, exchange)) : walk(rest, exchange));
				}
				if (answer.error != null) {
					logger.error("Error applying predicate for route: " + route.getId(), answer.error);
					continue;
				}
				matched = Boolean.TRUE.equals(answer.value);
			}
			if (matched) {
				return Mono.just(validated(route, exchange));
			}
		}
		return Mono.empty();
	}

	private Mono<Route> walk(List<Route> routes, ServerWebExchange exchange) {
		return routes.isEmpty() ? Mono.empty() : lookupIn(routes, exchange);
	}

	private Route validated(Route route, ServerWebExchange exchange) {
		validateRoute(route, exchange);
		return route;
	}

	/**
	 * The answer of one predicate: known when {@link #done} is set by the time {@code subscribe} returns, else
	 * delivered {@link #later()}.
	 */
	private static final class Answer implements CoreSubscriber<Boolean> {

		private volatile boolean done;

		private @Nullable Boolean value;

		private @Nullable Throwable error;

		private @Nullable Subscription subscription;

		private final Sinks.One<Boolean> later = Sinks.one();

		@Override
		public void onSubscribe(Subscription s) {
			this.subscription = s;
			s.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Boolean matched) {
			this.value = matched;
		}

		@Override
		public void onError(Throwable failure) {
			this.error = failure;
			this.done = true;
			this.later.tryEmitValue(false);
		}

		@Override
		public void onComplete() {
			this.done = true;
			this.later.tryEmitValue(Boolean.TRUE.equals(this.value));
		}

		Mono<Boolean> later() {
			Subscription s = this.subscription;
			return this.later.asMono().doOnCancel(() -> {
				if (s != null) {
					s.cancel();
				}
			});
		}

	}


}
