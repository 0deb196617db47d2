package dev.switchboard.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

/**
 * The {@code local} key store: the records in memory, written to {@code keys.json} under {@code switchboard.state.dir}
 * after every change, so API keys survive a restart. The file is written whole to a temporary file and moved into
 * place, so a crash mid-write leaves the previous version, never half of one. With no directory configured the
 * records live only as long as the process.
 * <p>
 * Every operation runs on the bounded elastic scheduler, one at a time (the file is one document).
 */
public final class LocalKeyStore implements KeyStore {

	static final String FILE = "keys.json";

	private final @Nullable Path file;

	private final Map<String, KeyRecord> records = new LinkedHashMap<>();

	/**
	 * @param dir the state directory, created if missing; {@code null} for memory only
	 * @throws UncheckedIOException when the directory or an existing file cannot be read
	 */
	public LocalKeyStore(@Nullable Path dir) {
		this.file = (dir != null) ? dir.resolve(FILE) : null;
		if (this.file != null && Files.exists(this.file)) {
			// start-up, on the main thread
			try {
				JsonNode stored = KeyRecord.MAPPER.readTree(Files.readAllBytes(this.file));
				for (JsonNode node : stored.path("keys")) {
					KeyRecord record = KeyRecord.fromStored(node);
					this.records.put(record.name(), record);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("could not read the key store " + this.file, ex);
			}
		}
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
		return (this.file != null) ? this.file.toString() : null;
	}

	/** Runs {@code work} off the event loop, one operation at a time. */
	private <T> Mono<T> io(Callable<@Nullable T> work) {
		return Mono.fromCallable(() -> {
			synchronized (this.records) {
				return work.call();
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/** Writes the file; when it fails, {@code undo} puts memory back as it was, so nothing is half-applied. */
	private void write(Runnable undo) {
		if (this.file == null) {
			return;
		}
		try {
			ArrayNode keys = KeyRecord.MAPPER.createArrayNode();
			this.records.values().forEach(record -> keys.add(record.toStored()));
			byte[] bytes = KeyRecord.MAPPER.writerWithDefaultPrettyPrinter()
				.writeValueAsBytes(KeyRecord.MAPPER.createObjectNode().put("version", 1).set("keys", keys));
			Files.createDirectories(this.file.getParent());
			Path temp = Files.createTempFile(this.file.getParent(), FILE, ".tmp");
			Files.write(temp, bytes);
			try {
				Files.move(temp, this.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temp, this.file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException | RuntimeException ex) {
			undo.run();
			throw new KeyStoreException("could not write the key store " + this.file, ex);
		}
	}

}
