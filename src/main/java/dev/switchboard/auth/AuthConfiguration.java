package dev.switchboard.auth;

import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.config.SwitchboardProperties;

/**
 * The auth capability: who calls (configured and API keys), what each key may do, the actuator guard, and the admin
 * API of keys with the store API keys live in.
 */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

	@Bean
	LastUsed keysLastUsed() {
		return new LastUsed();
	}

	@Bean
	KeyStore keyStore(Environment environment) {
		String dir = environment.getProperty("switchboard.state.dir");
		return new LocalKeyStore((dir != null && !dir.isBlank()) ? Path.of(dir) : null);
	}

	@Bean(initMethod = "start", destroyMethod = "stop")
	ApiKeys apiKeys(KeyStore store, Environment environment, SwitchboardProperties properties) {
		boolean deny = "deny".equalsIgnoreCase(environment.getProperty("switchboard.state.redis.on-unavailable", "allow"));
		return new ApiKeys(store, deny, properties.getAuth().getKeySyncInterval());
	}

	@Bean
	Callers callers(ApiKeys apiKeys, LastUsed lastUsed) {
		return new Callers(apiKeys, lastUsed);
	}

	@Bean
	AuthFilter authFilter(RuntimeConfigHolder configs, Callers callers) {
		return new AuthFilter(configs, callers);
	}

	@Bean
	KeyScopeFilter keyScopeFilter() {
		return new KeyScopeFilter();
	}

	@Bean
	ActuatorKeyFilter actuatorKeyFilter(RuntimeConfigHolder configs, Callers callers) {
		return new ActuatorKeyFilter(configs, callers);
	}

	@Bean
	KeyAudit keyAudit(MeterRegistry registry) {
		return new KeyAudit(registry);
	}

	@Bean
	RouterFunction<ServerResponse> keyAdminRoutes(RuntimeConfigHolder configs, Callers callers, ApiKeys apiKeys,
			LastUsed lastUsed, KeyAudit audit) {
		return new KeyAdminHandler(configs, callers, apiKeys, lastUsed, audit).routes();
	}

}
