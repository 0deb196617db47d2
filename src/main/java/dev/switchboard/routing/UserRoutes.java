package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;

/**
 * The user's own SCG routes ({@code spring.cloud.gateway.server.webflux.routes}), reloaded with the
 * {@code switchboard} section from the same configuration files: {@link #bind} reads them from the reloaded
 * environment (a route list that does not bind rejects the whole reload), {@link #apply} puts them in force and
 * refreshes SCG's route cache, which rebuilds the compiled Switchboard routes too. Requests in flight keep the route
 * they were matched to.
 */
public class UserRoutes {

	private static final String ROUTES = GatewayProperties.PREFIX + ".routes";

	private final GatewayProperties properties;

	private final ApplicationEventPublisher events;

	public UserRoutes(GatewayProperties properties, ApplicationEventPublisher events) {
		this.properties = properties;
		this.events = events;
	}

	/** The user routes {@code environment} holds (none when it names none). */
	public List<RouteDefinition> bind(Environment environment) {
		return Binder.get(environment).bind(ROUTES, Bindable.listOf(RouteDefinition.class)).orElse(List.of());
	}

	/** Puts {@code routes} in force and has SCG rebuild its routes, compiled ones included. */
	public void apply(List<RouteDefinition> routes) {
		this.properties.setRoutes(new ArrayList<>(routes));
		this.events.publishEvent(new RefreshRoutesEvent(this));
	}

}
