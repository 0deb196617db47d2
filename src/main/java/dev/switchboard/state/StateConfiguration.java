package dev.switchboard.state;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.config.SwitchboardProperties;

/** The state store bean, its health component {@code state} and its meters. */
@Configuration(proxyBeanMethods = false)
public class StateConfiguration {

	/**
	 * The store of {@code switchboard.state}. It takes the {@link RuntimeConfigHolder} only to be created after it:
	 * the settings are checked there with the rest of the configuration, so a bad URL fails start-up with the others.
	 */
	@Bean(destroyMethod = "close")
	StateStore stateStore(SwitchboardProperties properties, RuntimeConfigHolder checkedFirst, MeterRegistry registry) {
		StateStore store = StateStore.open(properties.getState());
		StateMetrics.bind(store, registry);
		return store;
	}

	@Bean("state")
	StateHealthIndicator stateHealthIndicator(StateStore store) {
		return new StateHealthIndicator(store);
	}

}
