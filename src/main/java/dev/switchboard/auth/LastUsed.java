package dev.switchboard.auth;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * When each key (by name) was last used, to the second: on this replica, and with a shared store (redis) on every
 * replica as of the last sync. Configured and API keys alike, so the two cost the same per request: one map lookup
 * and, at most once a second per key, one write.
 */
public final class LastUsed {

	private final Map<String, AtomicLong> byName = new ConcurrentHashMap<>();

	/** What {@link #changed()} reported last, by name: only newer uses are reported again. */
	private final Map<String, Long> reported = new ConcurrentHashMap<>();

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

	/** The uses of this replica since the last call, epoch milliseconds by name. */
	public Map<String, Long> changed() {
		Map<String, Long> changed = new java.util.HashMap<>();
		this.byName.forEach((name, last) -> {
			long value = last.get();
			if (value > 0 && value > this.reported.getOrDefault(name, 0L)) {
				changed.put(name, value);
				this.reported.put(name, value);
			}
		});
		return changed;
	}

	/** Takes in the latest uses of every replica: a time is raised, never lowered, and is not reported again. */
	public void merge(Map<String, Long> latest) {
		latest.forEach((name, value) -> {
			AtomicLong last = this.byName.computeIfAbsent(name, n -> new AtomicLong());
			last.accumulateAndGet(value, Math::max);
			this.reported.merge(name, value, Math::max);
		});
	}

	/** Forgets a revoked key. */
	public void forget(String name) {
		this.byName.remove(name);
		this.reported.remove(name);
	}

}
