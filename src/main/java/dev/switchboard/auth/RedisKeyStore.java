package dev.switchboard.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.ScriptOutputType;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import dev.switchboard.state.RedisScript;
import dev.switchboard.state.RedisState;

/**
 * The {@code redis} key store, shared by every replica: one hash ({@value #RECORDS}) of records by name, the stored
 * JSON of each (digests, never keys). Every change is followed by a {@code PUBLISH} of the key's name on
 * {@value #CHANGES}; each replica, this one included, reads that record again and updates its index, which takes
 * milliseconds. Pub/sub keeps nothing for a replica that was disconnected, so {@link ApiKeys} also reads the whole
 * hash when the store comes back and every {@code key-sync-interval}.
 * <p>
 * Last-use times are shared in {@value #LAST_USED} (epoch milliseconds by name), raised by each replica's flush.
 * <p>
 * Names are unique by {@code HSETNX}. A change of an existing record is last-writer-wins: two admins changing one key
 * at the same instant on two replicas get one of the two changes, whole.
 */
public final class RedisKeyStore implements KeyStore {

	static final String RECORDS = "switchboard:keys";

	static final String CHANGES = "switchboard:keys:changes";

	static final String LAST_USED = "switchboard:keys:last-used";

	/** Each name's time is raised, never lowered (replicas flush at different moments); then the whole hash. */
	private static final String SHARE_LAST_USED = """
			for i = 1, #ARGV, 2 do
			  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
			  if tonumber(ARGV[i + 1]) > current then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
			end
			return redis.call('HGETALL', KEYS[1])
			""";

	private final RedisState redis;

	private final Sinks.Many<String> changes = Sinks.many().multicast().directBestEffort();

	private final AutoCloseable subscription;

	private final RedisScript shareLastUsed;

	public RedisKeyStore(RedisState redis) {
		this.redis = redis;
		this.shareLastUsed = redis.script(SHARE_LAST_USED);
		// called on a Lettuce I/O thread: hand on, nothing more (one dropped is caught by the periodic sync)
		this.subscription = redis.subscribe(CHANGES, this.changes::tryEmitNext);
	}

	@Override
	public Mono<List<KeyRecord>> loadAll() {
		return this.redis.stringsMany(commands -> commands.hgetall(RECORDS).map(entry -> entry.getValue()))
			.map(json -> KeyRecord.fromStored(KeyRecord.MAPPER.readTree(json)))
			.collectList();
	}

	@Override
	public Mono<KeyRecord> load(String name) {
		return this.redis.strings(commands -> commands.hget(RECORDS, name))
			.map(json -> KeyRecord.fromStored(KeyRecord.MAPPER.readTree(json)));
	}

	@Override
	public Mono<Boolean> create(KeyRecord record) {
		return this.redis.strings(commands -> commands.hsetnx(RECORDS, record.name(), stored(record)))
			.flatMap(created -> created ? announce(record.name()).thenReturn(true) : Mono.just(false));
	}

	@Override
	public Mono<Void> update(KeyRecord record) {
		return this.redis.strings(commands -> commands.hset(RECORDS, record.name(), stored(record)))
			.then(announce(record.name()));
	}

	@Override
	public Mono<Boolean> delete(String name) {
		return this.redis.strings(commands -> commands.hdel(RECORDS, name))
			.flatMap(removed -> (removed > 0) ? announce(name).thenReturn(true) : Mono.just(false))
			.flatMap(removed -> this.redis.strings(commands -> commands.hdel(LAST_USED, name)).thenReturn(removed));
	}

	@Override
	public Mono<Map<String, Long>> shareLastUsed(Map<String, Long> mine) {
		String[] args = new String[mine.size() * 2];
		int i = 0;
		for (Map.Entry<String, Long> entry : mine.entrySet()) {
			args[i++] = entry.getKey();
			args[i++] = Long.toString(entry.getValue());
		}
		return this.shareLastUsed.<List<Object>>run(ScriptOutputType.MULTI, new String[] { LAST_USED }, args)
			.map(reply -> {
				Map<String, Long> all = new HashMap<>();
				for (int j = 0; j + 1 < reply.size(); j += 2) {
					all.put(String.valueOf(reply.get(j)), Long.parseLong(String.valueOf(reply.get(j + 1))));
				}
				return all;
			});
	}

	@Override
	public Flux<String> changes() {
		return this.changes.asFlux();
	}

	@Override
	public boolean available() {
		return this.redis.availability().up();
	}

	@Override
	public String kind() {
		return "redis";
	}

	@Override
	public @Nullable String location() {
		return RECORDS;
	}

	/** Stops following announcements. */
	public void close() throws Exception {
		this.subscription.close();
	}

	private Mono<Void> announce(String name) {
		// a lost announcement is caught by the periodic sync; the change itself stands
		return this.redis.publish(CHANGES, name).onErrorResume(ex -> Mono.empty()).then();
	}

	private static String stored(KeyRecord record) {
		return KeyRecord.MAPPER.writeValueAsString(record.toStored());
	}

}
