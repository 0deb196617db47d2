package dev.switchboard.auth;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * When each key (by name) was last used on this replica, to the second. Configured and API keys alike, so the two
 * cost the same per request: one map lookup and, at most once a second per key, one write.
 */
public final class LastUsed {

	private final Map<String, AtomicLong> byName = new ConcurrentHashMap<>();

	/** Notes a use of {@code name} now. */
	public void touch(String name) {
		long now = System.currentTimeMillis();
		AtomicLong last = this.byName.get(name);
		if (last == null) {
			last = this.byName.computeIfAbsent(name, n -> new AtomicLong());
		}
		// writing once a second keeps a busy key's cache line from bouncing between event loops
		if (now - last.get() >= 1000) {
			last.set(now);
		}
	}

	/** When {@code name} was last used here, or {@code null} for never since start-up. */
	public @Nullable Instant of(String name) {
		AtomicLong last = this.byName.get(name);
		return (last != null && last.get() > 0) ? Instant.ofEpochMilli(last.get()) : null;
	}

	/** Forgets a revoked key. */
	public void forget(String name) {
		this.byName.remove(name);
	}

}
