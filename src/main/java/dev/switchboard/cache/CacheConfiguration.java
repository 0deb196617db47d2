package dev.switchboard.cache;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.state.RedisState;
import dev.switchboard.state.StateStore;

/**
 * The response cache's beans: the store named by {@code switchboard.cache.store} (read once at start-up), the
 * embedding model (loaded in the background at start-up when a route uses the semantic mode, else on the first
 * lookup that needs it; lookups wait for it while it loads), and the filter of the cache slot.
 */
@Configuration(proxyBeanMethods = false)
public class CacheConfiguration {

	private static final Log logger = LogFactory.getLog(CacheConfiguration.class);

	@Bean(destroyMethod = "close")
	LocalEmbedder localEmbedder(RuntimeConfigHolder configs) {
		LocalEmbedder embedder = new LocalEmbedder();
		if (configs.current().cache().anySemantic()) {
			embedder.warmUp();
		}
		return embedder;
	}

	/**
	 * The cache with the store {@code switchboard.cache.store} names, checked with the rest of the configuration
	 * (redis only beside a Redis state store, whose client it shares).
	 */
	@Bean
	ResponseCache responseCache(SwitchboardProperties properties, StateStore state, LocalEmbedder embedder,
			MeterRegistry registry) {
		CacheMetrics metrics = new CacheMetrics(registry);
		SwitchboardProperties.Cache settings = properties.getCache();
		RedisState redis = state.redis();
		CacheStore store;
		if ("redis".equalsIgnoreCase(settings.getStore().trim()) && redis != null) {
			store = new RedisCacheStore(redis, metrics);
		}
		else {
			LocalCacheStore local = new LocalCacheStore(settings.getMaxSize().toBytes());
			metrics.local(local);
			store = local;
		}
		logger.info("response cache store: " + store.name());
		return new ResponseCache(store, embedder, metrics);
	}

	@Bean
	CacheFilter cacheFilter(RuntimeConfigHolder configs, ResponseCache cache) {
		return new CacheFilter(configs, cache);
	}

}
