package dev.switchboard.state;

import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import reactor.netty.resources.LoopResources;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

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
	StateStore stateStore(SwitchboardProperties properties, RuntimeConfigHolder checkedFirst, MeterRegistry registry,
			Optional<ReactorResourceFactory> reactorResources) {
		// the web server's event loops; injected, not looked up, so that the factory (which disposes them) is destroyed
		// after this store and the loops outlive its connections
		ReactorResourceFactory resources = reactorResources.orElse(null);
		EventLoopGroup loops = (resources != null && resources.getLoopResources() != null)
				? resources.getLoopResources().onServer(LoopResources.DEFAULT_NATIVE) : null;
		StateStore store = StateStore.open(properties.getState(), loops);
		StateMetrics.bind(store, registry);
		return store;
	}

	@Bean("state")
	StateHealthIndicator stateHealthIndicator(StateStore store) {
		return new StateHealthIndicator(store);
	}

}
