package dev.switchboard.quota;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * The counters of {@code switchboard.state.store: local}: in memory, and written to {@value #FILE} under
 * {@code switchboard.state.dir} every second when something changed, by the state's file thread, never an event loop.
 * A restart reads the file back: it loses at most the last second of counts, and a monthly budget survives a deploy.
 * Concurrency counters are not written: after a restart nothing is in flight.
 * <p>
 * Lock-free, because every request of a key meets on the same few counters: with a lock, an event loop that the OS
 * descheduled while holding it stalled every other loop for a time slice (10-13 ms, seen in JFR on 2 cores). An
 * admission adds its cost to each counter first and checks the sum it got; when one check fails, everything it added
 * is taken back. A request is admitted only on sums that include every request before it, so a limit is never
 * overshot; two requests racing for the last unit may both be refused, never both admitted.
 */
final class LocalQuotaStore implements QuotaStore, AutoCloseable {

	static final String FILE = "quota.json";

	private static final Log logger = LogFactory.getLog(LocalQuotaStore.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Leases> leases = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, ConcurrentMap<String, AtomicLong>> hashes = new ConcurrentHashMap<>();

	private final LongSupplier clock;

	private final @Nullable LocalDirectory files;

	private final @Nullable Disposable flusher;

	private final AtomicBoolean dirty = new AtomicBoolean();

	private volatile boolean failing;

	/** A count and when it expires (0: never), as Redis keeps a key with a TTL set when it is created. */
	private static final class Counter extends AtomicLong {

		final long expiresAt;

		Counter(long value, long expiresAt) {
			super(value);
			this.expiresAt = expiresAt;
		}

		boolean expired(long now) {
			return this.expiresAt > 0 && this.expiresAt <= now;
		}

		/** Adds {@code amount}, never below zero; the new value. */
		long add(long amount) {
			long current;
			long next;
			do {
				current = get();
				next = Math.max(0, current + amount);
			}
			while (!compareAndSet(current, next));
			return next;
		}

	}

	/** The requests in flight of one concurrency counter: each one's lease, and how many there are. */
	private static final class Leases {

		final ConcurrentMap<String, Long> until = new ConcurrentHashMap<>();

		final AtomicInteger count = new AtomicInteger();

		/** Counts {@code member} in when that keeps the count within {@code limit}; the count, or -1 when it would not. */
		int take(String member, long limit, long leaseUntil, long now) {
			int taken = this.count.incrementAndGet();
			if (taken > limit) {
				// leases of requests a crash or a lost release left behind go first
				purgeExpired(now);
				taken = this.count.get();
				if (taken > limit) {
					this.count.decrementAndGet();
					return -1;
				}
			}
			this.until.put(member, leaseUntil);
			return taken;
		}

		void release(String member) {
			if (this.until.remove(member) != null) {
				this.count.decrementAndGet();
			}
		}

		/** The requests in flight now (expired leases dropped). */
		int current(long now) {
			purgeExpired(now);
			return Math.max(0, this.count.get());
		}

		private void purgeExpired(long now) {
			this.until.forEach((member, expires) -> {
				if (expires <= now && this.until.remove(member, expires)) {
					this.count.decrementAndGet();
				}
			});
		}

	}

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
		return Mono.fromSupplier(() -> admitNow(checks, member));
	}

	@Override
	public Mono<Decision> peek(List<Check> checks) {
		return Mono.fromSupplier(() -> peekNow(checks));
	}

	@Override
	public Mono<Void> apply(List<Op> ops) {
		return Mono.fromRunnable(() -> applyNow(ops));
	}

	@Override
	public Mono<Map<String, Map<String, Long>>> usage(List<String> days) {
		return Mono.fromSupplier(() -> {
			Map<String, Map<String, Long>> found = new LinkedHashMap<>();
			for (String day : days) {
				Map<String, AtomicLong> hash = this.hashes.get(QuotaKeys.usage(day));
				if (hash != null) {
					Map<String, Long> copy = new HashMap<>();
					hash.forEach((field, amount) -> copy.put(field, amount.get()));
					found.put(day, copy);
				}
			}
			return found;
		});
	}

	private Decision admitNow(List<Check> checks, String member) {
		long now = this.clock.getAsLong();
		long[] used = new long[checks.size()];
		long[] reset = new long[checks.size()];
		for (int i = 0; i < checks.size(); i++) {
			Check check = checks.get(i);
			long retryAfter = -1;
			switch (check.kind()) {
				case RATE -> {
					long window = now / check.param();
					long elapsed = now - window * check.param();
					long current = add(check.add(check.cost(), now), now);
					long previous = get(check.key() + ":" + (window - 1), now);
					double weighted = SlidingWindow.weighted(previous, current, elapsed, check.param());
					if (weighted > check.limit()) {
						retryAfter = SlidingWindow.retryAfter(previous, current - check.cost(), check.cost(), check.limit(),
								elapsed, check.param());
					}
					used[i] = (long) Math.ceil(weighted);
					reset[i] = SlidingWindow.reset(previous, current, elapsed, check.param());
				}
				case CONCURRENCY -> {
					int taken = this.leases.computeIfAbsent(check.key(), k -> new Leases())
						.take(member, check.limit(), now + check.param(), now);
					if (taken < 0) {
						retryAfter = 1000;
					}
					used[i] = taken;
				}
				case BUDGET -> {
					long spent = add(check.add(check.cost(), now), now);
					if (spent > check.limit()) {
						retryAfter = check.param();
					}
					used[i] = spent;
					reset[i] = check.param();
				}
			}
			if (retryAfter >= 0) {
				// this check and every one before it counted the request: take it all back
				undo(checks, i, member, now);
				return Decision.refused(i, retryAfter, now);
			}
		}
		this.dirty.set(true);
		return new Decision(true, -1, 0, now, used, reset, false);
	}

	private void undo(List<Check> checks, int last, String member, long now) {
		for (int i = 0; i <= last; i++) {
			Check check = checks.get(i);
			if (check.kind() == Check.Kind.CONCURRENCY) {
				Leases held = this.leases.get(check.key());
				if (held != null) {
					held.release(member);
				}
			}
			else {
				add(check.add(-check.cost(), now), now);
			}
		}
	}

	private Decision peekNow(List<Check> checks) {
		long now = this.clock.getAsLong();
		long[] used = new long[checks.size()];
		long[] reset = new long[checks.size()];
		for (int i = 0; i < checks.size(); i++) {
			Check check = checks.get(i);
			switch (check.kind()) {
				case RATE -> {
					long window = now / check.param();
					long elapsed = now - window * check.param();
					long current = get(check.key() + ":" + window, now);
					long previous = get(check.key() + ":" + (window - 1), now);
					used[i] = (long) Math.ceil(SlidingWindow.weighted(previous, current, elapsed, check.param()));
					reset[i] = SlidingWindow.reset(previous, current, elapsed, check.param());
				}
				case CONCURRENCY -> {
					Leases held = this.leases.get(check.key());
					used[i] = (held != null) ? held.current(now) : 0;
				}
				case BUDGET -> {
					used[i] = get(check.key(), now);
					reset[i] = check.param();
				}
			}
		}
		return new Decision(true, -1, 0, now, used, reset, false);
	}

	private void applyNow(List<Op> ops) {
		long now = this.clock.getAsLong();
		for (Op op : ops) {
			switch (op.type()) {
				case ADD -> add(op, now);
				case RELEASE -> {
					Leases held = this.leases.get(op.key());
					if (held != null) {
						held.release(op.field());
					}
				}
				case RECORD -> {
					ConcurrentMap<String, AtomicLong> hash = this.hashes.get(op.key());
					if (hash == null) {
						hash = this.hashes.computeIfAbsent(op.key(), k -> new ConcurrentHashMap<>());
					}
					AtomicLong amount = hash.get(op.field());
					if (amount == null) {
						amount = hash.computeIfAbsent(op.field(), f -> new AtomicLong());
					}
					amount.addAndGet(op.amount());
				}
			}
		}
		this.dirty.set(true);
	}

	private long get(String key, long now) {
		Counter counter = this.counters.get(key);
		if (counter == null) {
			return 0;
		}
		if (counter.expired(now)) {
			this.counters.remove(key, counter);
			return 0;
		}
		return counter.get();
	}

	/** Applies an {@link Op.Type#ADD}; the counter's new value. A counter gets its lifetime when it is created. */
	private long add(Op op, long now) {
		while (true) {
			Counter counter = this.counters.get(op.key());
			if (counter == null || counter.expired(now)) {
				Counter created = new Counter(Math.max(0, op.amount()),
						(op.ttlMillis() > 0) ? now + op.ttlMillis() : 0);
				boolean won = (counter == null) ? this.counters.putIfAbsent(op.key(), created) == null
						: this.counters.replace(op.key(), counter, created);
				if (won) {
					return created.get();
				}
				continue; // another request created it first: add to theirs
			}
			return counter.add(op.amount());
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

	private void markDirty() {
		this.dirty.set(true);
	}

	/** The counters as a file, when they changed since the last one; taken while requests go on, as they stand. */
	private byte @Nullable [] snapshotIfDirty() {
		if (!this.dirty.getAndSet(false)) {
			return null;
		}
		long now = this.clock.getAsLong();
		ObjectNode root = JSON.createObjectNode();
		ObjectNode counters = root.putObject("counters");
		this.counters.forEach((key, counter) -> {
			if (counter.expired(now)) {
				this.counters.remove(key, counter);
			}
			else {
				counters.putArray(key).add(counter.get()).add(counter.expiresAt);
			}
		});
		ObjectNode hashes = root.putObject("usage");
		this.hashes.forEach((key, fields) -> {
			ObjectNode hash = hashes.putObject(key);
			fields.forEach((field, amount) -> hash.put(field, amount.get()));
		});
		return JSON.writeValueAsBytes(root);
	}

	private void load(byte[] content) {
		try {
			JsonNode root = JSON.readTree(content);
			root.path("counters").properties().forEach(entry -> this.counters.put(entry.getKey(),
					new Counter(entry.getValue().path(0).asLong(), Math.max(0, entry.getValue().path(1).asLong()))));
			root.path("usage").properties().forEach(entry -> {
				ConcurrentMap<String, AtomicLong> fields = new ConcurrentHashMap<>();
				entry.getValue().properties()
					.forEach(field -> fields.put(field.getKey(), new AtomicLong(field.getValue().asLong())));
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
