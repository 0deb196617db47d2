package dev.switchboard.config;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.accept.ApiVersionStrategy;

import dev.switchboard.body.AiRequestBodyFilter;
import dev.switchboard.body.BodyReplayFilter;
import dev.switchboard.body.JsonBodyFilter;
import dev.switchboard.dispatch.DispatchGlobalFilter;
import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.observability.GatewayTracing;
import dev.switchboard.observability.ProvidersHealthIndicator;
import dev.switchboard.observability.TargetsEndpoint;
import dev.switchboard.observability.RequestMetricsFilter;
import dev.switchboard.observability.TracingEnabledCondition;
import dev.switchboard.provider.AdapterDecorator;
import dev.switchboard.provider.PassthroughFilter;
import dev.switchboard.provider.http.UpstreamHttpClient;
import dev.switchboard.routing.ModelResolutionFilter;
import dev.switchboard.routing.ModelsEndpointFilter;
import dev.switchboard.routing.ModelRoutePredicateFactory;
import dev.switchboard.routing.SwitchboardRouteLocator;
import dev.switchboard.routing.SynchronousRouteLookup;
import dev.switchboard.routing.UnknownUrlFilter;
import dev.switchboard.routing.UserRoutes;
import dev.switchboard.support.GatewayErrorHandler;
import dev.switchboard.support.RequestIdFilter;

/**
 * Wires the gateway onto Spring Cloud Gateway: the configuration snapshot; the web filter that reads an AI request's
 * body before route lookup; the {@code Model} predicate and the compiled Switchboard routes beside the user's; and the
 * global filters in the slots of {@link FilterOrder} (observe, body, resolve, dispatch; auth has its own
 * configuration, {@code auth/AuthConfiguration}). Everything that varies
 * with configuration lives in the {@link RuntimeConfig} snapshot, not in the routes or filters.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SwitchboardProperties.class)
public class SwitchboardConfiguration {

	private static final Log logger = LogFactory.getLog(SwitchboardConfiguration.class);

	@Bean(initMethod = "warmUp", destroyMethod = "dispose")
	UpstreamHttpClient upstreamHttpClient() {
		return new UpstreamHttpClient(Duration.ofSeconds(5), 1000);
	}

	@Bean
	RuntimeConfigCompiler runtimeConfigCompiler(CircuitBreakerRegistry breakers, UpstreamHttpClient httpClient,
			ObjectProvider<GatewayTracing> tracing) {
		GatewayTracing spans = tracing.getIfAvailable();
		return new RuntimeConfigCompiler(breakers, httpClient, (spans != null) ? spans : AdapterDecorator.NONE);
	}

	@Bean
	@Conditional(TracingEnabledCondition.class)
	GatewayTracing gatewayTracing(Tracer tracer, Propagator propagator) {
		return new GatewayTracing(tracer, propagator);
	}

	@Bean
	GeneratedKey generatedGatewayKey() {
		return new GeneratedKey(generateKey());
	}

	@Bean
	RuntimeConfigHolder runtimeConfigHolder(RuntimeConfigCompiler compiler, SwitchboardProperties properties,
			ConfigurableEnvironment environment, GeneratedKey generatedKey) {
		RuntimeConfig config = compiler.compile(properties, environment, generatedKey.value());
		if (properties.getAuth().getKeys().isEmpty()) {
			logger.warn("No gateway keys are configured (switchboard.auth.keys), so one was generated for this run: "
					+ generatedKey.value() + " . Configure your own keys before exposing the gateway.");
		}
		return new RuntimeConfigHolder(config);
	}

	@Bean
	ConfigReloader configReloader(RuntimeConfigHolder holder, RuntimeConfigCompiler compiler,
			ConfigurableEnvironment environment, GeneratedKey generatedKey, GatewayMetrics metrics,
			SwitchboardProperties properties, UserRoutes userRoutes) {
		return new ConfigReloader(holder, compiler, environment, generatedKey, metrics, properties.getReload(),
				userRoutes);
	}

	@Bean
	ReloadEndpoint reloadEndpoint(ConfigReloader reloader) {
		return new ReloadEndpoint(reloader);
	}

	@Bean
	GatewayMetrics gatewayMetrics(MeterRegistry registry) {
		return new GatewayMetrics(registry);
	}

	@Bean
	TargetsEndpoint targetsEndpoint(RuntimeConfigHolder configs) {
		return new TargetsEndpoint(configs);
	}

	@Bean("providers")
	ProvidersHealthIndicator providersHealthIndicator(RuntimeConfigHolder configs) {
		return new ProvidersHealthIndicator(configs);
	}

	@Bean
	RequestIdFilter requestIdFilter() {
		return new RequestIdFilter();
	}

	@Bean
	RequestMetricsFilter requestMetricsFilter(GatewayMetrics metrics, RuntimeConfigHolder configs,
			ObjectProvider<GatewayTracing> tracing) {
		return new RequestMetricsFilter(metrics, configs, tracing.getIfAvailable());
	}

	@Bean
	GatewayErrorHandler gatewayErrorHandler() {
		return new GatewayErrorHandler();
	}

	@Bean
	AiRequestBodyFilter aiRequestBodyFilter(RuntimeConfigHolder configs) {
		return new AiRequestBodyFilter(configs);
	}

	// the request path's global filters, in the slots of FilterOrder

	@Bean
	BodyReplayFilter bodyReplayFilter() {
		return new BodyReplayFilter();
	}

	@Bean
	JsonBodyFilter jsonBodyFilter() {
		return new JsonBodyFilter();
	}

	@Bean
	ModelResolutionFilter modelResolutionFilter() {
		return new ModelResolutionFilter();
	}

	@Bean
	DispatchGlobalFilter dispatchGlobalFilter(GatewayMetrics metrics) {
		return new DispatchGlobalFilter(metrics);
	}

	@Bean
	ModelRoutePredicateFactory modelRoutePredicateFactory() {
		return new ModelRoutePredicateFactory();
	}

	/** Switchboard's compiled routes, beside the user's (SCG composes every RouteLocator bean, sorted by order). */
	@Bean
	SwitchboardRouteLocator switchboardRouteLocator(RuntimeConfigHolder configs) {
		return new SwitchboardRouteLocator(configs, new ModelsEndpointFilter(), new UnknownUrlFilter(),
				new PassthroughFilter());
	}

	/**
	 * SCG's handler mapping with a synchronous route walk (routing/SynchronousRouteLookup); it takes the place of the
	 * one SCG's auto-configuration would make, and is set up as that one is.
	 */
	@Bean
	SynchronousRouteLookup routePredicateHandlerMapping(FilteringWebHandler webHandler, RouteLocator routeLocator,
			GlobalCorsProperties globalCorsProperties, Environment environment,
			ObjectProvider<ApiVersionStrategy> apiVersionStrategy) {
		SynchronousRouteLookup mapping = new SynchronousRouteLookup(webHandler, routeLocator, globalCorsProperties,
				environment);
		apiVersionStrategy.ifAvailable(mapping::setApiVersionStrategy);
		return mapping;
	}

	@Bean
	UserRoutes userRoutes(GatewayProperties gatewayProperties, ApplicationEventPublisher events) {
		return new UserRoutes(gatewayProperties, events);
	}

	/** 32 random bytes, URL-safe: strong enough to leave running, short enough to paste. */
	private static String generateKey() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return "sb-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
