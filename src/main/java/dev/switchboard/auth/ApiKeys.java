package dev.switchboard.auth;

import java.time.Duration;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The API keys of this replica: the {@link KeyStore} they live in and the {@link ApiKeyIndex} the request path reads.
 * Changes made here go to the store and then into the index at once; changes another replica made arrive as the
 * store announces them (a name, then that record read again) and, in case an announcement was missed, with a full
 * sync every {@code syncInterval}. A store nobody else writes (local) needs neither.
 * The same sync shares when each key was last used, so {@code last-used-at} is every replica's latest, as of the
 * last sync.
 * <p>
 * With the store unreachable, {@code on-unavailable} decides: {@code allow} keeps answering from the index, as it was
 * before the outage; {@code deny} refuses API keys with {@code 503 state_unavailable}. Configured keys always work.
 */
public final class ApiKeys {

	private static final Log logger = LogFactory.getLog(ApiKeys.class);

	private final KeyStore store;

	private final ApiKeyIndex index = new ApiKeyIndex();

	private final boolean denyWhenUnavailable;

	private final Duration syncInterval;

	private final Disposable.Composite running = Disposables.composite();

	/**
	 * @param denyWhenUnavailable whether API keys are refused while the store is unreachable
	 * @param syncInterval how often the whole store is read again, for a store that other replicas write
	 */
	private final LastUsed lastUsed;

	public ApiKeys(KeyStore store, boolean denyWhenUnavailable, Duration syncInterval, LastUsed lastUsed) {
		this.store = store;
		this.lastUsed = lastUsed;
		this.denyWhenUnavailable = denyWhenUnavailable;
		this.syncInterval = syncInterval;
	}

	/** Loads the store (start-up, off any event loop) and follows other replicas' changes. */
	public void start() {
		try {
			this.index.replaceAll(this.store.loadAll().block(Duration.ofSeconds(10)));
		}
		catch (RuntimeException ex) {
			logger.warn("The key store (" + this.store.kind() + ") could not be read at start-up; API keys start empty "
					+ "and are loaded by the next sync: " + ex.getMessage());
		}
		logger.info(this.index.size() + " API keys loaded from the " + this.store.kind() + " key store"
				+ ((this.store.location() != null) ? " (" + this.store.location() + ")" : " (in memory only)"));
		this.running.add(this.store.changes()
			.concatMap(name -> this.store.load(name)
				.doOnNext(this.index::put)
				.switchIfEmpty(Mono.fromRunnable(() -> this.index.remove(name)))
				.onErrorResume(ex -> {
					logger.warn("Could not read key '" + name + "' after a change announcement: " + ex.getMessage());
					return Mono.empty();
				}))
			.subscribe());
		if (!(this.store instanceof LocalKeyStore)) {
			this.running.add(Flux.interval(this.syncInterval, this.syncInterval, Schedulers.parallel())
				.onBackpressureDrop()
				.concatMap(tick -> sync().onErrorResume(ex -> Mono.empty()))
				.subscribe());
		}
	}

	/**
	 * Reads every record again and makes the index what the store holds; shares this replica's last-use times and
	 * takes in the others'.
	 */
	public Mono<Void> sync() {
		return this.store.loadAll()
			.doOnNext(records -> {
				if (records.isEmpty() && this.index.size() > 0) {
					// a Redis without persistence that restarted: every API key is gone, for every replica
					logger.warn("The " + this.store.kind() + " key store holds no API keys any more; the "
							+ this.index.size() + " this replica knew are revoked (give Redis persistence to keep them)");
				}
				this.index.replaceAll(records);
			})
			.then(Mono.defer(() -> this.store.shareLastUsed(this.lastUsed.changed())))
			.doOnNext(this.lastUsed::merge)
			.then();
	}

	public void stop() {
		this.running.dispose();
	}

	public ApiKeyIndex index() {
		return this.index;
	}

	public KeyStore store() {
		return this.store;
	}

	/** Whether API keys may be used now: the store answers, or {@code on-unavailable} is {@code allow}. */
	public boolean usable() {
		return !this.denyWhenUnavailable || this.store.available();
	}

	/** Every API key record. */
	public List<KeyRecord> records() {
		return this.index.records();
	}

}
