package dev.switchboard.quota;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import dev.switchboard.state.OnUnavailable;
import dev.switchboard.state.RedisScript;
import dev.switchboard.state.RedisState;
import dev.switchboard.state.StateAvailability;
import dev.switchboard.state.StateUnavailableException;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayException;

/**
 * The counters of {@code switchboard.state.store: redis}, shared by every replica: one admission is one
 * {@code EVALSHA} of {@code admit.lua} (every check, then every count, atomically); settling and usage records are one
 * {@code EVALSHA} of {@code apply.lua} after the answer, those of requests that end while one runs gathered into the next.
 * <p>
 * While Redis cannot be reached, {@code on-unavailable: allow} admits every request without asking and keeps what it
 * would have counted ({@link PendingCounts}); when Redis is back those counts are added to it, so budgets and usage
 * lose nothing. {@code deny} refuses requests that need a limit checked with {@code 503 state_unavailable}; their
 * adjustments after the fact are kept and put back the same way.
 */
final class RedisQuotaStore implements QuotaStore {

	private static final Log logger = LogFactory.getLog(RedisQuotaStore.class);

	/** Keys per {@code apply.lua} call when putting back counts kept during an outage. */
	private static final int FLUSH_BATCH = 200;

	private final RedisState redis;

	private final RedisScript admit;

	private final RedisScript apply;

	private final OnUnavailable onUnavailable;

	private final PendingCounts pending = new PendingCounts();

	private final Queue<Queued> queued = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean sending = new AtomicBoolean();

	RedisQuotaStore(RedisState redis) {
		this.redis = redis;
		this.admit = redis.script(script("admit.lua"));
		this.apply = redis.script(script("apply.lua"));
		this.onUnavailable = redis.onUnavailable();
		redis.availability().addListener(new StateAvailability.Listener() {
			@Override
			public void onUp() {
				reconcile();
			}
		});
	}

	@Override
	public Mono<Decision> admit(List<Check> checks, String member) {
		// always asked, also while marked down: a disconnected client fails at once, and a Redis that was only slow
		// is marked up again by the next answer
		return this.admit.<List<Object>>run(ScriptOutputType.MULTI, keys(checks), admitArgs("admit", member, checks))
			.map(reply -> decision(reply, checks.size()))
			.onErrorResume(StateUnavailableException.class, ex -> unavailable(checks));
	}

	@Override
	public Mono<Decision> peek(List<Check> checks) {
		return this.admit.<List<Object>>run(ScriptOutputType.MULTI, keys(checks), admitArgs("peek", "", checks))
			.map(reply -> decision(reply, checks.size()))
			.onErrorResume(StateUnavailableException.class,
					ex -> Mono.error(new GatewayException(ErrorCode.STATE_UNAVAILABLE, "The Redis state store cannot be reached.")));
	}

	/**
	 * Queues {@code ops} for the next {@code apply.lua} call, completing when that call has: one call at a time, and
	 * what requests ended while it ran goes in the next one (a group commit). At a low rate every request's ops go at
	 * once, as before; under load the calls to Redis stay one at a time instead of one per request, and usage fields
	 * that many requests add to are summed into one {@code HINCRBY}.
	 */
	@Override
	public Mono<Void> apply(List<Op> ops) {
		if (ops.isEmpty()) {
			return Mono.empty();
		}
		return Mono.create(sink -> {
			this.queued.add(new Queued(ops, sink));
			drain();
		});
	}

	private void drain() {
		if (!this.sending.compareAndSet(false, true)) {
			return;
		}
		List<Queued> batch = new ArrayList<>();
		int size = 0;
		Queued next;
		while (size < FLUSH_BATCH && (next = this.queued.poll()) != null) {
			batch.add(next);
			size += next.ops().size();
		}
		if (batch.isEmpty()) {
			this.sending.set(false);
			// an apply that queued after the poll and before the flag went down
			if (!this.queued.isEmpty()) {
				drain();
			}
			return;
		}
		List<Op> ops = merged(batch);
		run(ops).onErrorResume(ex -> {
			// an outage, or an error Redis answered: either way the counts must not be lost
			this.pending.add(ops);
			return Mono.empty();
		}).doFinally(signal -> {
			batch.forEach(done -> done.sink().success());
			this.sending.set(false);
			if (!this.queued.isEmpty()) {
				drain();
			}
		}).subscribe();
	}

	/** The batch's ops in order, the usage records of one hash field summed into the first of them. */
	private static List<Op> merged(List<Queued> batch) {
		List<Op> ops = new ArrayList<>();
		Map<String, Integer> records = new HashMap<>();
		for (Queued queued : batch) {
			for (Op op : queued.ops()) {
				if (op.type() != Op.Type.RECORD) {
					ops.add(op);
					continue;
				}
				String field = op.key() + QuotaKeys.SEPARATOR + op.field();
				Integer at = records.get(field);
				if (at == null) {
					records.put(field, ops.size());
					ops.add(op);
				}
				else {
					Op first = ops.get(at);
					ops.set(at, Op.record(first.key(), first.field(), first.amount() + op.amount()));
				}
			}
		}
		return ops;
	}

	/** Ops waiting for the next call, and who waits for them. */
	private record Queued(List<Op> ops, MonoSink<Void> sink) {
	}

	@Override
	public Mono<Map<String, Map<String, Long>>> usage(List<String> days) {
		return Flux.fromIterable(days)
			.concatMap(day -> this.redis.stringsMany(c -> c.hgetall(QuotaKeys.usage(day)))
				.collectMap(KeyValue::getKey, kv -> Long.parseLong(kv.getValue()), HashMap::new)
				.map(fields -> Map.entry(day, fields)))
			.filter(entry -> !entry.getValue().isEmpty())
			.collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new)
			.map(map -> (Map<String, Map<String, Long>>) map)
			.onErrorMap(StateUnavailableException.class,
					ex -> new GatewayException(ErrorCode.STATE_UNAVAILABLE, "The Redis state store cannot be reached."));
	}

	/** Counts kept while Redis was down, not yet added to it. */
	int pendingKeys() {
		return this.pending.size();
	}

	private Mono<Decision> unavailable(List<Check> checks) {
		if (this.onUnavailable == OnUnavailable.DENY) {
			return Mono.error(new GatewayException(ErrorCode.STATE_UNAVAILABLE,
					"The gateway cannot check this request's limits: its shared state store is unavailable."));
		}
		long now = System.currentTimeMillis();
		List<Op> counted = new ArrayList<>(checks.size());
		for (Check check : checks) {
			switch (check.kind()) {
				case RATE -> counted.add(Op.add(check.key() + ":" + (now / check.param()), check.cost(), 2 * check.param() + 1000));
				case BUDGET -> counted.add(Op.add(check.key(), check.cost(), (check.param() > 0) ? check.param() + QuotaKeys.DAY : 0));
				case CONCURRENCY -> {
					// not kept: the request will have ended long before a lease would matter
				}
			}
		}
		this.pending.add(counted);
		return Mono.just(Decision.degraded(checks.size(), now));
	}

	/** Adds the counts kept during an outage to Redis, in batches; what fails stays kept for the next recovery. */
	private void reconcile() {
		List<Op> ops = this.pending.drain();
		if (ops.isEmpty()) {
			return;
		}
		logger.info("Redis state store is back: adding " + ops.size() + " counts kept during the outage");
		List<List<Op>> batches = new ArrayList<>();
		for (int i = 0; i < ops.size(); i += FLUSH_BATCH) {
			batches.add(ops.subList(i, Math.min(ops.size(), i + FLUSH_BATCH)));
		}
		// a background task started by the availability listener, not part of any request
		Flux.fromIterable(batches)
			.concatMap(batch -> run(batch).onErrorResume(ex -> {
				this.pending.add(batch);
				return Mono.empty();
			}))
			.subscribe();
	}

	private Mono<Void> run(List<Op> ops) {
		String[] keys = new String[ops.size()];
		String[] args = new String[ops.size() * 3];
		for (int i = 0; i < ops.size(); i++) {
			Op op = ops.get(i);
			keys[i] = op.key();
			args[i * 3] = op.type().code();
			switch (op.type()) {
				case ADD -> {
					args[i * 3 + 1] = Long.toString(op.amount());
					args[i * 3 + 2] = Long.toString(op.ttlMillis());
				}
				case RELEASE -> {
					args[i * 3 + 1] = op.field();
					args[i * 3 + 2] = "0";
				}
				case RECORD -> {
					args[i * 3 + 1] = op.field();
					args[i * 3 + 2] = Long.toString(op.amount());
				}
			}
		}
		return this.apply.<Long>run(ScriptOutputType.INTEGER, keys, args).then();
	}

	private static String[] keys(List<Check> checks) {
		String[] keys = new String[checks.size()];
		for (int i = 0; i < checks.size(); i++) {
			keys[i] = checks.get(i).key();
		}
		return keys;
	}

	private static String[] admitArgs(String mode, String member, List<Check> checks) {
		String[] args = new String[2 + checks.size() * 4];
		args[0] = mode;
		args[1] = member;
		for (int i = 0; i < checks.size(); i++) {
			Check check = checks.get(i);
			int o = 2 + i * 4;
			args[o] = check.kind().code();
			args[o + 1] = Long.toString(check.limit());
			args[o + 2] = Long.toString(check.cost());
			args[o + 3] = Long.toString(check.param());
		}
		return args;
	}

	private static Decision decision(List<Object> reply, int checks) {
		if (number(reply.get(0)) == 0) {
			return Decision.refused((int) number(reply.get(1)), number(reply.get(2)), number(reply.get(3)));
		}
		long now = number(reply.get(1));
		long[] used = new long[checks];
		long[] reset = new long[checks];
		for (int i = 0; i < checks; i++) {
			used[i] = number(reply.get(2 + i * 2));
			reset[i] = number(reply.get(3 + i * 2));
		}
		return new Decision(true, -1, 0, now, used, reset, false);
	}

	private static long number(Object value) {
		return (value instanceof Number n) ? n.longValue() : Long.parseLong(value.toString());
	}

	private static String script(String name) {
		try (InputStream in = RedisQuotaStore.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("missing script " + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
