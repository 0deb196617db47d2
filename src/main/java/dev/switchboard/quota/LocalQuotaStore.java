package dev.switchboard.quota;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.state.LocalDirectory;

/**
 * The counters of {@code switchboard.state.store: local}: in memory, behind one lock (each admission is a handful of
 * map operations), and written to {@value #FILE} under {@code switchboard.state.dir} every second when something
 * changed, by the state's file thread, never an event loop. A restart reads the file back: it loses at most the last
 * second of counts, and a monthly budget survives a deploy. Concurrency counters are not written: after a restart
 * nothing is in flight.
 */
final class LocalQuotaStore implements QuotaStore, AutoCloseable {

	static final String FILE = "quota.json";

	private static final Log logger = LogFactory.getLog(LocalQuotaStore.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, Long> counters = new HashMap<>();

	private final Map<String, Long> expiry = new HashMap<>();

	private final Map<String, Map<String, Long>> leases = new HashMap<>();

	private final Map<String, Map<String, Long>> hashes = new HashMap<>();

	private final LongSupplier clock;

	private final @Nullable LocalDirectory files;

	private final @Nullable Disposable flusher;

	private boolean dirty;

	private volatile boolean failing;

	/** @param files where to keep the counters, {@code null} to keep them in memory only */
	LocalQuotaStore(@Nullable LocalDirectory files, LongSupplier clock, Duration flushInterval) {
		this.files = files;
		this.clock = clock;
		if (files != null) {
			files.readAtStartup(FILE).ifPresent(this::load);
			this.flusher = Flux.interval(flushInterval, flushInterval).concatMap(tick -> flush()).subscribe();
		}
		else {
			this.flusher = null;
		}
	}

	@Override
	public Mono<Decision> admit(List<Check> checks, String member) {
		return Mono.fromSupplier(() -> decide(checks, member, false));
	}

	@Override
	public Mono<Decision> peek(List<Check> checks) {
		return Mono.fromSupplier(() -> decide(checks, "", true));
	}

	@Override
	public Mono<Void> apply(List<Op> ops) {
		return Mono.fromRunnable(() -> applyNow(ops));
	}

	@Override
	public Mono<Map<String, Map<String, Long>>> usage(List<String> days) {
		return Mono.fromSupplier(() -> {
			Map<String, Map<String, Long>> found = new LinkedHashMap<>();
			synchronized (this) {
				for (String day : days) {
					Map<String, Long> hash = this.hashes.get(QuotaKeys.usage(day));
					if (hash != null) {
						found.put(day, new HashMap<>(hash));
					}
				}
			}
			return found;
		});
	}

	private synchronized Decision decide(List<Check> checks, String member, boolean peek) {
		long now = this.clock.getAsLong();
		long[] used = new long[checks.size()];
		long[] reset = new long[checks.size()];
		for (int i = 0; i < checks.size(); i++) {
			Check check = checks.get(i);
			long cost = peek ? 0 : check.cost();
			switch (check.kind()) {
				case RATE -> {
					long window = now / check.param();
					long elapsed = now - window * check.param();
					long current = get(check.key() + ":" + window, now);
					long previous = get(check.key() + ":" + (window - 1), now);
					double weighted = SlidingWindow.weighted(previous, current, elapsed, check.param());
					if (!peek && weighted + cost > check.limit()) {
						return Decision.refused(i,
								SlidingWindow.retryAfter(previous, current, cost, check.limit(), elapsed, check.param()), now);
					}
					used[i] = (long) Math.ceil(weighted + cost);
					reset[i] = SlidingWindow.reset(previous, current + cost, elapsed, check.param());
				}
				case CONCURRENCY -> {
					Map<String, Long> members = this.leases.get(check.key());
					if (members != null) {
						members.values().removeIf(until -> until <= now);
					}
					int count = (members != null) ? members.size() : 0;
					if (!peek && count + 1 > check.limit()) {
						return Decision.refused(i, 1000, now);
					}
					used[i] = count + (peek ? 0 : 1);
				}
				case BUDGET -> {
					long spent = get(check.key(), now);
					if (!peek && spent + cost > check.limit()) {
						return Decision.refused(i, check.param(), now);
					}
					used[i] = spent + cost;
					reset[i] = check.param();
				}
			}
		}
		if (!peek) {
			for (Check check : checks) {
				if (check.kind() == Check.Kind.CONCURRENCY) {
					this.leases.computeIfAbsent(check.key(), k -> new HashMap<>()).put(member, now + check.param());
				}
				else {
					Op counted = check.add(check.cost(), now);
					add(counted.key(), counted.amount(), now, counted.ttlMillis());
				}
			}
			this.dirty = true;
		}
		return new Decision(true, -1, 0, now, used, reset, false);
	}

	private synchronized void applyNow(List<Op> ops) {
		long now = this.clock.getAsLong();
		for (Op op : ops) {
			switch (op.type()) {
				case ADD -> add(op.key(), op.amount(), now, op.ttlMillis());
				case RELEASE -> {
					Map<String, Long> members = this.leases.get(op.key());
					if (members != null) {
						members.remove(op.field());
					}
				}
				case RECORD -> this.hashes.computeIfAbsent(op.key(), k -> new HashMap<>()).merge(op.field(), op.amount(), Long::sum);
			}
		}
		this.dirty = true;
	}

	private long get(String key, long now) {
		Long until = this.expiry.get(key);
		if (until != null && until <= now) {
			this.counters.remove(key);
			this.expiry.remove(key);
			return 0;
		}
		Long value = this.counters.get(key);
		return (value != null) ? value : 0;
	}

	private void add(String key, long amount, long now, long ttlMillis) {
		long value = Math.max(0, get(key, now) + amount);
		this.counters.put(key, value);
		if (ttlMillis > 0) {
			this.expiry.put(key, now + ttlMillis);
		}
	}

	/** Writes the counters when they changed; runs on a timer thread, the write on the files' thread. */
	private Mono<Void> flush() {
		byte[] snapshot = snapshotIfDirty();
		if (snapshot == null || this.files == null) {
			return Mono.empty();
		}
		return this.files.write(FILE, snapshot).doOnSuccess(done -> this.failing = false).onErrorResume(ex -> {
			if (!this.failing) {
				// once per run of failures: an unwritable directory would otherwise log every second
				logger.warn("Could not write the local quota counters under switchboard.state.dir (" + ex.getMessage()
						+ "); they are kept in memory and written when the directory can be written");
				this.failing = true;
			}
			markDirty();
			return Mono.empty();
		});
	}

	private synchronized void markDirty() {
		this.dirty = true;
	}

	private synchronized byte @Nullable [] snapshotIfDirty() {
		if (!this.dirty) {
			return null;
		}
		this.dirty = false;
		long now = this.clock.getAsLong();
		ObjectNode root = JSON.createObjectNode();
		ObjectNode counters = root.putObject("counters");
		for (Iterator<Map.Entry<String, Long>> it = this.counters.entrySet().iterator(); it.hasNext();) {
			Map.Entry<String, Long> entry = it.next();
			Long until = this.expiry.get(entry.getKey());
			if (until != null && until <= now) {
				it.remove();
				this.expiry.remove(entry.getKey());
				continue;
			}
			counters.putArray(entry.getKey()).add(entry.getValue()).add((until != null) ? until : 0);
		}
		ObjectNode hashes = root.putObject("usage");
		this.hashes.forEach((key, fields) -> {
			ObjectNode hash = hashes.putObject(key);
			fields.forEach(hash::put);
		});
		return JSON.writeValueAsBytes(root);
	}

	private synchronized void load(byte[] content) {
		try {
			JsonNode root = JSON.readTree(content);
			root.path("counters").properties().forEach(entry -> {
				this.counters.put(entry.getKey(), entry.getValue().path(0).asLong());
				long until = entry.getValue().path(1).asLong();
				if (until > 0) {
					this.expiry.put(entry.getKey(), until);
				}
			});
			root.path("usage").properties().forEach(entry -> {
				Map<String, Long> fields = new HashMap<>();
				entry.getValue().properties().forEach(field -> fields.put(field.getKey(), field.getValue().asLong()));
				this.hashes.put(entry.getKey(), fields);
			});
			logger.info("Local quota counters read back: " + this.counters.size() + " counters, "
					+ this.hashes.size() + " days of usage");
		}
		catch (RuntimeException ex) {
			logger.warn("Could not read the local quota counters, starting from zero (" + ex.getMessage() + ")");
		}
	}

	/** Stops the timer and writes what changed since its last run; waits for the write (shutdown may). */
	@Override
	public void close() {
		if (this.flusher != null) {
			this.flusher.dispose();
			flush().subscribeOn(Schedulers.boundedElastic()).block(Duration.ofSeconds(5));
		}
	}

}
