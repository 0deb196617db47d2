package dev.switchboard.quota;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.state.RedisState;
import dev.switchboard.state.StateStore;
import dev.switchboard.support.KeySpend;

/** The quota slot's filter, its store (by {@code switchboard.state.store}), meters and endpoints. */
@Configuration(proxyBeanMethods = false)
public class QuotaConfiguration {

	/**
	 * The counters, in Redis or in this process. A local store is closed (its last counts written) before the state
	 * store it writes through, which it depends on.
	 */
	@Bean
	QuotaStore quotaStore(StateStore state) {
		RedisState redis = state.redis();
		if (redis != null) {
			RedisQuotaStore store = new RedisQuotaStore(redis);
			// the last requests' adjustments wait a few milliseconds for a call: sent, not lost, at shutdown
			state.beforeRedisCloses(() -> store.awaitSent(Duration.ofSeconds(1)));
			return store;
		}
		return new LocalQuotaStore(state.local(), System::currentTimeMillis, Duration.ofSeconds(1));
	}

	@Bean
	QuotaMetrics quotaMetrics(MeterRegistry registry) {
		return new QuotaMetrics(registry);
	}

	@Bean
	TokenCounter tokenCounter() {
		return new TokenCounter();
	}

	@Bean
	KeyLimits keyLimits() {
		return new KeyLimits();
	}

	@Bean
	QuotaFilter quotaFilter(RuntimeConfigHolder configs, QuotaStore store, TokenCounter tokens, QuotaMetrics metrics,
			KeyLimits keyLimits) {
		return new QuotaFilter(configs, new QuotaService(store, tokens, metrics), keyLimits);
	}

	/** What the key records of the admin API show as each budget's spend. */
	@Bean
	KeySpend keySpend(QuotaStore store, KeyLimits keyLimits) {
		return new BudgetSpend(store, keyLimits);
	}

	@Bean
	RouterFunction<ServerResponse> quotaEndpoints(QuotaStore store, RuntimeConfigHolder configs) {
		return new QuotaEndpoints(store, configs).routes();
	}

}
