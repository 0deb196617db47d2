package dev.switchboard.quota;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.switchboard.state.GroupCommit;
import dev.switchboard.state.OnUnavailable;
import dev.switchboard.state.RedisScript;
import dev.switchboard.state.RedisState;
import dev.switchboard.state.StateAvailability;
import dev.switchboard.state.StateUnavailableException;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.Json;

/**
 * The counters of {@code switchboard.state.store: redis}, shared by every replica, moved by {@code EVALSHA}s of
 * {@code counters.lua}: the adjustments of requests that ended (settling, usage records), then admissions (each
 * one's checks, then its counts), atomically. Calls go through a {@link GroupCommit}: one at a time, what arrives while
 * one runs gathered into the next, and adjustments wait a few milliseconds for an admission to carry them. At a low
 * rate an admission is a call of its own; under load Redis sees one call per round trip, not two per request.
 * <p>
 * While Redis cannot be reached, {@code on-unavailable: allow} admits every request without asking and keeps what it
 * would have counted ({@link PendingCounts}); when Redis is back those counts are added to it, so budgets and usage
 * lose nothing. {@code deny} refuses requests that need a limit checked with {@code 503 state_unavailable}; their
 * adjustments after the fact are kept and put back the same way.
 */
final class RedisQuotaStore implements QuotaStore {

	private static final Log logger = LogFactory.getLog(RedisQuotaStore.class);

	/** Keys per call when putting back counts kept during an outage. */
	private static final int FLUSH_BATCH = 200;

	/** The keys a call carries under load, unless one request has more. */
	private static final int BATCH_KEYS = 512;

	/**
	 * How long a request's adjustments after the fact wait for the next admission to carry them before they are sent
	 * on their own: under load they cost no call of their own. Other replicas see a lease released this much later at
	 * most; this replica's next admission always sees it, as it goes in the same call, first.
	 */
	private static final Duration SETTLE_LINGER = Duration.ofMillis(5);

	private final RedisState redis;

	private final RedisScript counters;

	private final OnUnavailable onUnavailable;

	private final PendingCounts pending = new PendingCounts();

	private final GroupCommit<Counting, Decision> calls = new GroupCommit<>(this::call, Counting::keys, BATCH_KEYS,
			SETTLE_LINGER, this::undelivered);

	RedisQuotaStore(RedisState redis) {
		this.redis = redis;
		this.counters = redis.script(script("counters.lua"));
		this.onUnavailable = redis.onUnavailable();
		redis.availability().addListener(new StateAvailability.Listener() {
			@Override
			public void onUp() {
				reconcile();
			}
		});
	}

	/**
	 * Admits through the group commit: one {@code counters.lua} call at a time, with what arrived while it ran in the
	 * next, each admission answered from its own reply.
	 */
	@Override
	public Mono<Decision> admit(List<Check> checks, String member) {
		// always asked, also while marked down: a disconnected client fails at once, and a Redis that was only slow
		// is marked up again by the next answer
		return this.calls.submit(new Admission(checks, member))
			.onErrorResume(StateUnavailableException.class, ex -> unavailable(checks));
	}

	@Override
	public Mono<Decision> peek(List<Check> checks) {
		Admission admission = new Admission(checks, "");
		return this.counters.<List<Object>>run(ScriptOutputType.MULTI, keys(List.of(), List.of(admission)),
				args("peek", List.of(), List.of(admission)))
			.map(reply -> decision((List<?>) reply.get(0), checks.size()))
			.onErrorResume(StateUnavailableException.class,
					ex -> Mono.error(new GatewayException(ErrorCode.STATE_UNAVAILABLE, "The Redis state store cannot be reached.")));
	}

	/**
	 * Queues {@code ops} to go first in the next call, which an admission usually starts within
	 * {@link #SETTLE_LINGER}; completes when that call has. Usage fields that many requests add to are summed into
	 * one {@code HINCRBY}. Never fails: what Redis could not take is kept for when it is back.
	 */
	@Override
	public Mono<Void> apply(List<Op> ops) {
		if (ops.isEmpty()) {
			return Mono.empty();
		}
		return this.calls.submitLater(new Settling(ops))
			.onErrorResume(ex -> Mono.empty())
			.then();
	}

	/** What one call carries: admissions, or a request's adjustments after the fact. */
	private sealed interface Counting permits Admission, Settling {

		int keys();

	}

	/** One request's checks and its concurrency lease. */
	private record Admission(List<Check> checks, String member) implements Counting {

		@Override
		public int keys() {
			return this.checks.size();
		}

	}

	/** Adjustments after the fact. */
	private record Settling(List<Op> ops) implements Counting {

		@Override
		public int keys() {
			return this.ops.size();
		}

	}

	/** One {@code counters.lua} call for a batch: its adjustments first, then its admissions in order. */
	private Mono<List<Decision>> call(List<GroupCommit.Submission<Counting>> batch) {
		List<Op> ops = merged(batch);
		List<Admission> admissions = new ArrayList<>(batch.size());
		for (GroupCommit.Submission<Counting> submission : batch) {
			if (submission.item() instanceof Admission admission) {
				admissions.add(admission);
			}
		}
		return this.counters.<List<Object>>run(ScriptOutputType.MULTI, keys(ops, admissions), args("admit", ops, admissions))
			.map(replies -> {
				List<Decision> decisions = new ArrayList<>(batch.size());
				int next = 0;
				for (GroupCommit.Submission<Counting> submission : batch) {
					if (!(submission.item() instanceof Admission admission)) {
						decisions.add(null); // a settling: completes empty
						continue;
					}
					decisions.add(decision((List<?>) replies.get(next++), admission.checks().size()));
				}
				return decisions;
			})
			.onErrorResume(ex -> {
				// an outage, or an error Redis answered: either way the counts must not be lost
				this.pending.add(ops);
				return Mono.error(ex);
			});
	}

	/**
	 * An admission whose request was gone before its answer (the client left while it was in Redis): nobody will
	 * settle it, so what it counted is taken back.
	 */
	private void undelivered(Counting counting, Decision decision) {
		if (!(counting instanceof Admission admission) || !decision.admitted()) {
			return;
		}
		List<Op> ops = new ArrayList<>();
		for (Check check : admission.checks()) {
			switch (check.kind()) {
				case RATE, BUDGET -> ops.add(check.add(-check.cost(), decision.nowMillis()));
				case CONCURRENCY -> ops.add(Op.release(check.key(), admission.member()));
			}
		}
		apply(ops).subscribe();
	}

	/**
	 * The batch's adjustments in order, those of one counter or usage field summed into the first of them: under
	 * load most requests of a call settle the same few counters, and each becomes one command in Redis instead of one
	 * per request. An add that sums to nothing is left out.
	 */
	private static List<Op> merged(List<GroupCommit.Submission<Counting>> batch) {
		List<Op> ops = new ArrayList<>();
		Map<String, Integer> summed = new HashMap<>();
		for (GroupCommit.Submission<Counting> submission : batch) {
			if (!(submission.item() instanceof Settling settling)) {
				continue;
			}
			for (Op op : settling.ops()) {
				if (op.type() == Op.Type.RELEASE) {
					ops.add(op);
					continue;
				}
				String id = (op.type() == Op.Type.RECORD) ? op.key() + QuotaKeys.SEPARATOR + op.field() : op.key();
				Integer at = summed.get(id);
				if (at == null) {
					summed.put(id, ops.size());
					ops.add(op);
				}
				else {
					Op first = ops.get(at);
					ops.set(at, new Op(first.type(), first.key(), first.field(), first.amount() + op.amount(),
							Math.max(first.ttlMillis(), op.ttlMillis())));
				}
			}
		}
		ops.removeIf(op -> op.type() != Op.Type.RELEASE && op.amount() == 0);
		return ops;
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

	/**
	 * Waits up to {@code max} for what is queued (the adjustments of the last requests, which linger for a call) to
	 * be sent; at shutdown, before the connections close. Blocks: not for an event loop.
	 */
	void awaitSent(Duration max) {
		long deadline = System.nanoTime() + max.toNanos();
		while (!this.calls.idle() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
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
				case RATE, BUDGET -> counted.add(check.add(check.cost(), now));
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

	/** Adjustments only, in a call of their own: putting back what was kept during an outage. */
	private Mono<Void> run(List<Op> ops) {
		return this.counters.<List<Object>>run(ScriptOutputType.MULTI, keys(ops, List.of()), args("admit", ops, List.of()))
			.then();
	}

	private static String[] keys(List<Op> ops, List<Admission> admissions) {
		int size = ops.size();
		for (Admission admission : admissions) {
			size += admission.checks().size();
		}
		String[] keys = new String[size];
		int at = 0;
		for (Op op : ops) {
			keys[at++] = op.key();
		}
		for (Admission admission : admissions) {
			for (Check check : admission.checks()) {
				keys[at++] = check.key();
			}
		}
		return keys;
	}

	/**
	 * As {@code counters.lua} reads them: the mode, and one JSON argument of two flat arrays, 3 per adjustment, then
	 * each admission (Lettuce encodes two arguments instead of a hundred, Redis parses them in C).
	 */
	private static String[] args(String mode, List<Op> ops, List<Admission> admissions) {
		StringBuilder json = new StringBuilder(64 + ops.size() * 48 + admissions.size() * 160).append("[[");
		boolean first = true;
		for (Op op : ops) {
			if (!first) {
				json.append(',');
			}
			first = false;
			json.append('"').append(op.type().code()).append("\",");
			switch (op.type()) {
				case ADD -> json.append(op.amount()).append(',').append(op.ttlMillis());
				case RELEASE -> Json.appendString(json, op.field()).append(",0");
				case RECORD -> Json.appendString(json, op.field()).append(',').append(op.amount());
			}
		}
		json.append("],[");
		first = true;
		for (Admission admission : admissions) {
			if (!first) {
				json.append(',');
			}
			first = false;
			Json.appendString(json, admission.member()).append(',').append(admission.checks().size());
			for (Check check : admission.checks()) {
				json.append(",\"").append(check.kind().code()).append("\",").append(check.limit()).append(',')
					.append(check.cost()).append(',').append(check.param());
			}
		}
		return new String[] { mode, json.append("]]").toString() };
	}

	private static Decision decision(List<?> reply, int checks) {
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
