package dev.switchboard.cache;

import java.time.Duration;

import io.lettuce.core.SetArgs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import dev.switchboard.state.RedisState;

/**
 * Answers in Redis, shared by every replica: one key per answer under {@value #PREFIX}, written with the route's time
 * to live ({@code SET ... PX}), so that every replica sees it expire at the same moment. It uses the gateway's one
 * Lettuce client ({@code switchboard.state.redis}).
 * <p>
 * An outage is a miss and an answer not kept, never an error: the request goes upstream as without a cache. Each
 * such call counts in {@code switchboard.cache.store.errors}, and the health component {@code state} shows the
 * outage itself.
 */
final class RedisCacheStore implements CacheStore {

	private static final Log logger = LogFactory.getLog(RedisCacheStore.class);

	static final String PREFIX = "switchboard:cache:v1:";

	private final RedisState redis;

	private final CacheMetrics metrics;

	RedisCacheStore(RedisState redis, CacheMetrics metrics) {
		this.redis = redis;
		this.metrics = metrics;
	}

	@Override
	public Mono<CachedAnswer> get(String key) {
		return this.redis.bytes(commands -> commands.get(PREFIX + key))
			.mapNotNull(CachedAnswerCodec::decode)
			.onErrorResume(failure -> {
				this.metrics.storeError(name(), "get");
				if (logger.isDebugEnabled()) {
					logger.debug("cache lookup in Redis failed, a miss: " + failure);
				}
				return Mono.empty();
			});
	}

	@Override
	public Mono<Void> put(String key, CachedAnswer answer, Duration ttl) {
		return Mono.defer(() -> {
			byte[] value = CachedAnswerCodec.encode(answer);
			return this.redis.bytes(commands -> commands.set(PREFIX + key, value, SetArgs.Builder.px(ttl.toMillis())));
		}).onErrorResume(failure -> {
			this.metrics.storeError(name(), "put");
			if (logger.isDebugEnabled()) {
				logger.debug("cache store in Redis failed, not kept: " + failure);
			}
			return Mono.empty();
		}).then();
	}

	@Override
	public String name() {
		return "redis";
	}

}
