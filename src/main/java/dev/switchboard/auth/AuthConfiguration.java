package dev.switchboard.auth;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.state.OnUnavailable;
import dev.switchboard.state.RedisState;
import dev.switchboard.state.StateAvailability;
import dev.switchboard.state.StateStore;
import dev.switchboard.support.KeySpend;

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

	/** API keys live where {@code switchboard.state.store} says: a file under the state directory, or Redis. */
	@Bean
	KeyStore keyStore(StateStore state) {
		RedisState redis = state.redis();
		return (redis != null) ? new RedisKeyStore(redis) : new LocalKeyStore(state.local());
	}

	@Bean(initMethod = "start", destroyMethod = "stop")
	ApiKeys apiKeys(KeyStore store, StateStore state, SwitchboardProperties properties, LastUsed lastUsed,
			MeterRegistry registry) {
		ApiKeys keys = new ApiKeys(store, state.onUnavailable() == OnUnavailable.DENY,
				properties.getAuth().getKeySyncInterval(), lastUsed);
		// pub/sub keeps nothing for a replica that was cut off: read everything again once the store is back
		state.availability().addListener(new StateAvailability.Listener() {
			@Override
			public void onUp() {
				keys.sync().subscribe(null, ex -> {
				});
			}
		});
		Gauge.builder("switchboard.keys.api", keys, k -> k.index().size())
			.description("API keys this replica knows")
			.register(registry);
		return keys;
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

	/** Records show their budget's spend as the quota capability reads it, when there is one. */
	@Bean
	RouterFunction<ServerResponse> keyAdminRoutes(RuntimeConfigHolder configs, Callers callers, ApiKeys apiKeys,
			LastUsed lastUsed, KeyAudit audit, ObjectProvider<KeySpend> spend) {
		return new KeyAdminHandler(configs, callers, apiKeys, lastUsed, audit, spend.getIfAvailable(() -> KeySpend.NONE))
			.routes();
	}

}
