package dev.switchboard.auth;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

import dev.switchboard.state.LocalDirectory;

/**
 * The {@code local} key store: the records in memory, written whole to {@code keys.json} under
 * {@code switchboard.state.dir} after every change (atomically, by the state package's {@link LocalDirectory}), so
 * API keys survive a restart. A change whose file cannot be written is undone in memory and refused, so nothing is
 * half-applied.
 * <p>
 * Operations run one at a time on the bounded elastic scheduler, never on an event loop.
 */
public final class LocalKeyStore implements KeyStore {

	static final String FILE = "keys.json";

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

	private final LocalDirectory dir;

	private final Map<String, KeyRecord> records = new LinkedHashMap<>();

	/**
	 * Reads {@code keys.json} if there is one: at start-up, on the calling thread.
	 * @throws UncheckedIOException when an existing file cannot be read
	 */
	public LocalKeyStore(LocalDirectory dir) {
		this.dir = dir;
		dir.readAtStartup(FILE).ifPresent(bytes -> {
			JsonNode stored = KeyRecord.MAPPER.readTree(bytes);
			for (JsonNode node : stored.path("keys")) {
				KeyRecord record = KeyRecord.fromStored(node);
				this.records.put(record.name(), record);
			}
		});
	}

	@Override
	public Mono<List<KeyRecord>> loadAll() {
		return io(() -> new ArrayList<>(this.records.values()));
	}

	@Override
	public Mono<KeyRecord> load(String name) {
		return io(() -> this.records.get(name));
	}

	@Override
	public Mono<Boolean> create(KeyRecord record) {
		return io(() -> {
			if (this.records.containsKey(record.name())) {
				return false;
			}
			this.records.put(record.name(), record);
			write(() -> this.records.remove(record.name()));
			return true;
		});
	}

	@Override
	public Mono<Void> update(KeyRecord record) {
		return io(() -> {
			KeyRecord before = this.records.put(record.name(), record);
			write(() -> {
				if (before != null) {
					this.records.put(record.name(), before);
				}
				else {
					this.records.remove(record.name());
				}
			});
			return Boolean.TRUE;
		}).then();
	}

	@Override
	public Mono<Boolean> delete(String name) {
		return io(() -> {
			KeyRecord before = this.records.remove(name);
			if (before == null) {
				return false;
			}
			write(() -> this.records.put(name, before));
			return true;
		});
	}

	@Override
	public Flux<String> changes() {
		return Flux.never();
	}

	@Override
	public boolean available() {
		return true;
	}

	@Override
	public String kind() {
		return "local";
	}

	@Override
	public @Nullable String location() {
		return this.dir.dir().resolve(FILE).toString();
	}

	/** Runs {@code work} off the event loop, one operation at a time. */
	private <T> Mono<T> io(Callable<@Nullable T> work) {
		return Mono.fromCallable(() -> {
			synchronized (this.records) {
				return work.call();
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Writes the file and waits for it (on a bounded elastic thread, where waiting is allowed); when it fails,
	 * {@code undo} puts memory back as it was.
	 */
	private void write(Runnable undo) {
		try {
			ArrayNode keys = KeyRecord.MAPPER.createArrayNode();
			this.records.values().forEach(record -> keys.add(record.toStored()));
			byte[] bytes = KeyRecord.MAPPER.writerWithDefaultPrettyPrinter()
				.writeValueAsBytes(KeyRecord.MAPPER.createObjectNode().put("version", 1).set("keys", keys));
			this.dir.write(FILE, bytes).block(WRITE_TIMEOUT);
		}
		catch (RuntimeException ex) {
			undo.run();
			throw new KeyStoreException("could not write the key store " + location(), ex);
		}
	}

}
