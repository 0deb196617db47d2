package dev.switchboard.auth;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import dev.switchboard.state.RedisState;

/**
 * The {@code redis} key store, shared by every replica: one hash ({@value #RECORDS}) of records by name, the stored
 * JSON of each (digests, never keys). Every change is followed by a {@code PUBLISH} of the key's name on
 * {@value #CHANGES}; each replica, this one included, reads that record again and updates its index, which takes
 * milliseconds. Pub/sub keeps nothing for a replica that was disconnected, so {@link ApiKeys} also reads the whole
 * hash when the store comes back and every {@code key-sync-interval}.
 * <p>
 * Names are unique by {@code HSETNX}. A change of an existing record is last-writer-wins: two admins changing one key
 * at the same instant on two replicas get one of the two changes, whole.
 */
public final class RedisKeyStore implements KeyStore {

	static final String RECORDS = "switchboard:keys";

	static final String CHANGES = "switchboard:keys:changes";

	private final RedisState redis;

	private final Sinks.Many<String> changes = Sinks.many().multicast().directBestEffort();

	private final AutoCloseable subscription;

	public RedisKeyStore(RedisState redis) {
		this.redis = redis;
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
			.flatMap(removed -> (removed > 0) ? announce(name).thenReturn(true) : Mono.just(false));
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
