package dev.switchboard.routing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.AsyncPredicate;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The synchronous route walk keeps SCG's semantics: order, the route-under-test attribute, predicates that fail,
 * and predicates that answer later.
 */
class SynchronousRouteLookupTests {

	private final List<String> tested = new ArrayList<>();

	@Test
	void takesTheFirstMatchingRouteInOrderAndNamesEachRouteWhileItIsTested() {
		SynchronousRouteLookup lookup = lookup(route("a", sync("a", false)), route("b", sync("b", true)),
				route("c", sync("c", true)));

		StepVerifier.create(lookup.lookupRoute(exchange())).assertNext(r -> assertThat(r.getId()).isEqualTo("b")).verifyComplete();
		assertThat(this.tested).as("each predicate saw its own route id in GATEWAY_PREDICATE_ROUTE_ATTR")
			.containsExactly("a=a", "b=b");
	}

	@Test
	void aPredicateThatThrowsOrFailsIsNoMatch() {
		Route throwing = Route.async().id("throws").uri(URI.create("http://x")).asyncPredicate(exchange -> {
			throw new IllegalStateException("boom");
		}).build();
		Route failing = Route.async()
			.id("fails")
			.uri(URI.create("http://x"))
			.asyncPredicate(exchange -> Mono.<Boolean>error(new IllegalStateException("boom")))
			.build();
		SynchronousRouteLookup lookup = lookup(throwing, failing, route("ok", sync("ok", true)));

		StepVerifier.create(lookup.lookupRoute(exchange())).assertNext(r -> assertThat(r.getId()).isEqualTo("ok")).verifyComplete();
	}

	@Test
	void waitsForAnAsynchronousPredicateAndWalksOnAfterIt() {
		Route later = Route.async()
			.id("later")
			.uri(URI.create("http://x"))
			.asyncPredicate(exchange -> Mono.delay(Duration.ofMillis(50)).map(tick -> false))
			.build();
		SynchronousRouteLookup lookup = lookup(route("first", sync("first", false)), later, route("next", sync("next", true)));

		StepVerifier.create(lookup.lookupRoute(exchange()))
			.assertNext(r -> assertThat(r.getId()).isEqualTo("next"))
			.verifyComplete();
		assertThat(this.tested).containsExactly("first=first", "next=next");
	}

	@Test
	void matchesAnAsynchronousPredicateThatSaysYes() {
		Route later = Route.async()
			.id("later")
			.uri(URI.create("http://x"))
			.asyncPredicate(exchange -> Mono.delay(Duration.ofMillis(20)).map(tick -> true))
			.build();
		SynchronousRouteLookup lookup = lookup(later, route("never", sync("never", true)));

		StepVerifier.create(lookup.lookupRoute(exchange()))
			.assertNext(r -> assertThat(r.getId()).isEqualTo("later"))
			.verifyComplete();
		assertThat(this.tested).isEmpty();
	}

	@Test
	void combinedSynchronousPredicatesStayOnTheLoop() {
		AsyncPredicate<ServerWebExchange> both = AsyncPredicate.from(sync("both", true)).and(AsyncPredicate.from(sync("both", true)));
		Route combined = Route.async().id("both").uri(URI.create("http://x")).asyncPredicate(both).build();
		SynchronousRouteLookup lookup = lookup(route("no", sync("no", false)), combined);

		StepVerifier.create(lookup.lookupRoute(exchange())).assertNext(r -> assertThat(r.getId()).isEqualTo("both")).verifyComplete();
		assertThat(this.tested).containsExactly("no=no", "both=both", "both=both");
	}

	@Test
	void noRouteMatchesIsEmpty() {
		SynchronousRouteLookup lookup = lookup(route("a", sync("a", false)));

		StepVerifier.create(lookup.lookupRoute(exchange())).verifyComplete();
	}

	private Predicate<ServerWebExchange> sync(String name, boolean answer) {
		return exchange -> {
			this.tested.add(name + "=" + exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR));
			return answer;
		};
	}

	private static Route route(String id, Predicate<ServerWebExchange> predicate) {
		return Route.async().id(id).uri(URI.create("http://x")).predicate(predicate).build();
	}

	private static SynchronousRouteLookup lookup(Route... routes) {
		List<Route> list = List.of(routes);
		SynchronousRouteLookup lookup = new SynchronousRouteLookup(new FilteringWebHandler(List.of(), true),
				() -> Flux.fromIterable(list), new GlobalCorsProperties(), new MockEnvironment());
		lookup.onApplicationEvent(new RefreshRoutesResultEvent(lookup));
		return lookup;
	}

	private static ServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/"));
	}

}
