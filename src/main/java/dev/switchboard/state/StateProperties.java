package dev.switchboard.state;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * {@code switchboard.state.*}: where the gateway keeps state that outlives a request (counters, spend, key records,
 * cached answers). Bound as part of {@code SwitchboardProperties}; checked with the rest by {@link #check}. The store
 * is chosen at start-up: a reload that changes it is rejected (a restart moves the gateway to another store).
 */
public class StateProperties {

	/** Where state lives: local (this process, kept on disk under dir) or redis (shared by every replica). */
	private String store = "local";

	/** Directory of the local store's files (spend, counters, keys), created when first written. */
	private String dir = "./data";

	/** The Redis store. */
	private Redis redis = new Redis();

	public String getStore() {
		return this.store;
	}

	public void setStore(String store) {
		this.store = store;
	}

	public String getDir() {
		return this.dir;
	}

	public void setDir(String dir) {
		this.dir = dir;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public void setRedis(Redis redis) {
		this.redis = redis;
	}

	/** The store kind, or {@code null} when {@code store} names none. */
	public @Nullable StoreKind storeKind() {
		return StoreKind.of(this.store);
	}

	/** Adds a problem for every setting that cannot work; {@code where} is {@code switchboard.state}. */
	public void check(String where, List<String> problems) {
		StoreKind kind = storeKind();
		if (kind == null) {
			problems.add(where + ".store: unknown store '" + this.store + "' (local, redis)");
		}
		if (kind == StoreKind.LOCAL && (this.dir == null || this.dir.isBlank())) {
			problems.add(where + ".dir: the local store needs a directory");
		}
		if (OnUnavailable.of(this.redis.onUnavailable) == null) {
			problems.add(where + ".redis.on-unavailable: unknown value '" + this.redis.onUnavailable + "' (allow, deny)");
		}
		if (this.redis.timeout == null || this.redis.timeout.isNegative() || this.redis.timeout.isZero()) {
			problems.add(where + ".redis.timeout must be positive");
		}
		if (kind == StoreKind.REDIS) {
			String url = this.redis.url;
			if (url == null || url.isBlank()) {
				problems.add(where + ".redis.url: the redis store needs a URL (redis://host:6379)");
			}
			else if (!url.contains("${")) {
				try {
					URI uri = new URI(url.trim());
					String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
					if (!(scheme.equals("redis") || scheme.equals("rediss")) || uri.getHost() == null) {
						// the URL may hold a password: never echo it
						problems.add(where + ".redis.url: not a redis:// or rediss:// URL with a host");
					}
				}
				catch (URISyntaxException ex) {
					problems.add(where + ".redis.url: not a valid URL");
				}
			}
		}
	}

	public static class Redis {

		/** redis://[user:password@]host:port[/database], or rediss:// for TLS. */
		private @Nullable String url;

		/** What requests that need shared state get while Redis cannot be reached: allow (fail open) or deny (503). */
		private String onUnavailable = "allow";

		/** Longest wait for one Redis command before it counts as an outage. */
		private Duration timeout = Duration.ofSeconds(1);

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public String getOnUnavailable() {
			return this.onUnavailable;
		}

		public void setOnUnavailable(String onUnavailable) {
			this.onUnavailable = onUnavailable;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		/** The policy, {@link OnUnavailable#ALLOW} when the value is unknown (such a value fails validation). */
		public OnUnavailable onUnavailablePolicy() {
			OnUnavailable policy = OnUnavailable.of(this.onUnavailable);
			return (policy != null) ? policy : OnUnavailable.ALLOW;
		}

	}

}
