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
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.http.HttpMethod;

import dev.switchboard.auth.ActuatorKeyFilter;
import dev.switchboard.auth.AuthFilter;
import dev.switchboard.body.JsonBodyFilter;
import dev.switchboard.dispatch.DispatchFilter;
import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.observability.GatewayTracing;
import dev.switchboard.observability.ProvidersHealthIndicator;
import dev.switchboard.observability.TargetsEndpoint;
import dev.switchboard.observability.RequestMetricsFilter;
import dev.switchboard.observability.TracingEnabledCondition;
import dev.switchboard.provider.AdapterDecorator;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.http.UpstreamHttpClient;
import dev.switchboard.routing.ModelResolutionFilter;
import dev.switchboard.routing.ModelsEndpointFilter;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.support.GatewayErrorHandler;
import dev.switchboard.support.RequestIdFilter;

/**
 * Wires the request path onto Spring Cloud Gateway: one route per endpoint family, each running the same chain of
 * route filters (auth, body, model resolution, dispatch) so that no global filter has to ask which route it is on.
 * Everything that varies with configuration lives in the {@link RuntimeConfig} snapshot, not in the routes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SwitchboardProperties.class)
public class SwitchboardConfiguration {

	private static final Log logger = LogFactory.getLog(SwitchboardConfiguration.class);

	/** Route URI for routes the gateway answers itself; Spring Cloud Gateway requires one. */
	private static final String NO_URI = "no://op";

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
			SwitchboardProperties properties) {
		return new ConfigReloader(holder, compiler, environment, generatedKey, metrics, properties.getReload());
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
	ActuatorKeyFilter actuatorKeyFilter(RuntimeConfigHolder configs) {
		return new ActuatorKeyFilter(configs);
	}

	@Bean
	RouteLocator switchboardRoutes(RouteLocatorBuilder builder, RuntimeConfigHolder configs, GatewayMetrics metrics) {
		AuthFilter auth = new AuthFilter(configs);
		JsonBodyFilter body = new JsonBodyFilter();
		ModelResolutionFilter resolve = new ModelResolutionFilter();
		ModelsEndpointFilter models = new ModelsEndpointFilter();
		// @formatter:off
		return builder.routes()
			.route("switchboard-chat-completions", r -> r.method(HttpMethod.POST).and().path(Endpoint.CHAT_COMPLETIONS.path())
				.filters(f -> f.filters(auth, body, resolve, new DispatchFilter(Endpoint.CHAT_COMPLETIONS, StreamEnd.OPENAI_CHAT, metrics)))
				.uri(NO_URI))
			.route("switchboard-embeddings", r -> r.method(HttpMethod.POST).and().path(Endpoint.EMBEDDINGS.path())
				.filters(f -> f.filters(auth, body, resolve, new DispatchFilter(Endpoint.EMBEDDINGS, StreamEnd.OPENAI_CHAT, metrics)))
				.uri(NO_URI))
			.route("switchboard-responses", r -> r.method(HttpMethod.POST).and().path(Endpoint.RESPONSES.path())
				.filters(f -> f.filters(auth, body, resolve, new DispatchFilter(Endpoint.RESPONSES, StreamEnd.OPENAI_RESPONSES, metrics)))
				.uri(NO_URI))
			.route("switchboard-messages", r -> r.method(HttpMethod.POST).and().path(Endpoint.MESSAGES.path())
				.filters(f -> f.filters(auth, body, resolve, new DispatchFilter(Endpoint.MESSAGES, StreamEnd.ANTHROPIC_MESSAGES, metrics)))
				.uri(NO_URI))
			.route("switchboard-count-tokens", r -> r.method(HttpMethod.POST).and().path(Endpoint.COUNT_TOKENS.path())
				.filters(f -> f.filters(auth, body, resolve, new DispatchFilter(Endpoint.COUNT_TOKENS, StreamEnd.ANTHROPIC_MESSAGES, metrics)))
				.uri(NO_URI))
			.route("switchboard-models", r -> r.method(HttpMethod.GET).and().path("/v1/models", "/v1/models/**")
				.filters(f -> f.filters(auth, (GatewayFilter) models))
				.uri(NO_URI))
			.build();
		// @formatter:on
	}

	/** 32 random bytes, URL-safe: strong enough to leave running, short enough to paste. */
	private static String generateKey() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return "sb-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
