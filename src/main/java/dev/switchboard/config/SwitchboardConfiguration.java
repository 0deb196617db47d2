package dev.switchboard.config;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

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
import dev.switchboard.server.ApiFilter;
import dev.switchboard.server.ApiHandler;
import dev.switchboard.server.ApiRoutes;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.support.GatewayErrorHandler;
import dev.switchboard.support.RequestIdFilter;

/**
 * Wires the gateway: the configuration snapshot, and the API's request path, one fixed pipeline of filters per
 * endpoint (metrics, auth, body, model resolution, dispatch) served below WebFlux by {@link ApiRoutes}. Everything
 * that varies with configuration lives in the {@link RuntimeConfig} snapshot, not in the pipelines.
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

	/**
	 * The API's request path. Its {@link ApiHandler} is deliberately not a bean: Spring Boot would take an
	 * {@code HttpHandler} bean for the whole application's handler.
	 */
	@Bean
	ApiRoutes apiRoutes(RuntimeConfigHolder configs, GatewayMetrics metrics, RequestMetricsFilter requestMetrics,
			GatewayErrorHandler errors) {
		AuthFilter auth = new AuthFilter(configs);
		JsonBodyFilter body = new JsonBodyFilter();
		ModelResolutionFilter resolve = new ModelResolutionFilter();
		// each proxied endpoint, with the way its clients' streams end
		Map<Endpoint, StreamEnd> proxied = new LinkedHashMap<>();
		proxied.put(Endpoint.CHAT_COMPLETIONS, StreamEnd.OPENAI_CHAT);
		proxied.put(Endpoint.EMBEDDINGS, StreamEnd.OPENAI_CHAT);
		proxied.put(Endpoint.RESPONSES, StreamEnd.OPENAI_RESPONSES);
		proxied.put(Endpoint.MESSAGES, StreamEnd.ANTHROPIC_MESSAGES);
		proxied.put(Endpoint.COUNT_TOKENS, StreamEnd.ANTHROPIC_MESSAGES);
		Map<String, List<ApiFilter>> posts = new LinkedHashMap<>();
		proxied.forEach((endpoint, streamEnd) -> posts.put(endpoint.path(),
				List.of(auth, body, resolve, new DispatchFilter(endpoint, streamEnd, metrics))));
		return new ApiRoutes(
				new ApiHandler(posts, List.of(auth, new ModelsEndpointFilter()), List.of(requestMetrics), errors));
	}

	/** 32 random bytes, URL-safe: strong enough to leave running, short enough to paste. */
	private static String generateKey() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return "sb-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
