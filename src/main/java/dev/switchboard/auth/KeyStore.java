package dev.switchboard.auth;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where the keys issued through the admin API are kept: {@code local} (a file under {@code switchboard.state.dir})
 * or {@code redis} (shared by every replica). Every method does its I/O off the event loop and signals on a thread
 * where blocking is not an issue for the caller either. The request path never calls it: it reads the
 * {@link ApiKeyIndex} that {@link ApiKeys} keeps from it.
 */
public interface KeyStore {

	/** Every record. */
	Mono<List<KeyRecord>> loadAll();

	/** One record, or empty. */
	Mono<KeyRecord> load(String name);

	/** Stores a new record; emits {@code false} when the name is taken. */
	Mono<Boolean> create(KeyRecord record);

	/** Replaces a record that exists. */
	Mono<Void> update(KeyRecord record);

	/** Removes a record; emits {@code false} when there was none. */
	Mono<Boolean> delete(String name);

	/**
	 * Names of records another replica changed (created, updated or deleted), as they are announced; a name of
	 * {@code null} content is never emitted. A store that nobody else writes emits nothing.
	 */
	Flux<String> changes();

	/**
	 * Shares this replica's last-use times (epoch milliseconds by key name, those that changed since the last call)
	 * and answers the latest of every replica. A store nobody else uses answers them as given.
	 */
	default Mono<Map<String, Long>> shareLastUsed(Map<String, Long> mine) {
		return Mono.just(mine);
	}

	/** Whether the store answers now; a local store always does. */
	boolean available();

	/** {@code local} or {@code redis}, for logs and the admin API. */
	String kind();

	/** Where the store is, without credentials, for logs; {@code null} when it is memory only. */
	@Nullable String location();

}
