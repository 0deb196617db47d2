package dev.switchboard.auth;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The keys issued through the admin API, in memory: what the request path asks, so that an API key costs what a
 * configured key costs (one hash lookup of the digest), and the key store is never read on the request path.
 * <p>
 * The index is an immutable map swapped whole on every change (copy on write): changes are admin calls and
 * replicated updates, rare beside lookups, and a lookup never takes a lock. A rotated key's previous digest stays in
 * the index, pointing at the same caller, until its grace period ends.
 */
public final class ApiKeyIndex {

	private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

	/** The caller whose key has {@code digest} ({@code hex} in lowercase hex), or {@code null}. */
	public @Nullable GatewayKey find(byte[] digest, String hex) {
		Entry entry = this.snapshot.byDigest.get(hex);
		if (entry == null || !MessageDigest.isEqual(entry.digest, digest)) {
			return null;
		}
		if (entry.validUntil != null && Instant.now().isAfter(entry.validUntil)) {
			return null; // a rotated key whose grace period is over
		}
		return entry.key;
	}

	public @Nullable KeyRecord record(String name) {
		Compiled compiled = this.snapshot.byName.get(name);
		return (compiled != null) ? compiled.record : null;
	}

	/** Every record, by name. */
	public List<KeyRecord> records() {
		List<KeyRecord> records = new ArrayList<>();
		new TreeMap<>(this.snapshot.byName).values().forEach(compiled -> records.add(compiled.record));
		return records;
	}

	public int size() {
		return this.snapshot.byName.size();
	}

	/** Replaces every record: a load at start-up or a full sync with the store. */
	public synchronized void replaceAll(Collection<KeyRecord> records) {
		Map<String, Compiled> byName = new LinkedHashMap<>();
		for (KeyRecord record : records) {
			Compiled before = this.snapshot.byName.get(record.name());
			// a record that did not change keeps its compiled key: a sync of thousands of keys compiles none
			byName.put(record.name(), (before != null && before.record.equals(record)) ? before : Compiled.of(record));
		}
		this.snapshot = Snapshot.of(byName);
	}

	/** Adds or replaces one record. */
	public synchronized void put(KeyRecord record) {
		Map<String, Compiled> byName = new LinkedHashMap<>(this.snapshot.byName);
		byName.put(record.name(), Compiled.of(record));
		this.snapshot = Snapshot.of(byName);
	}

	/** Removes the record named {@code name}: its key (and a rotated one in grace) stop working at once. */
	public synchronized void remove(String name) {
		if (this.snapshot.byName.containsKey(name)) {
			Map<String, Compiled> byName = new LinkedHashMap<>(this.snapshot.byName);
			byName.remove(name);
			this.snapshot = Snapshot.of(byName);
		}
	}

	private record Entry(byte[] digest, GatewayKey key, @Nullable Instant validUntil) {
	}

	/** A record and the key it compiles to (it was compiled when it was accepted, so this cannot fail). */
	private record Compiled(KeyRecord record, GatewayKey key) {

		static Compiled of(KeyRecord record) {
			return new Compiled(record, record.spec().compile(record.name()));
		}

	}

	private record Snapshot(Map<String, Entry> byDigest, Map<String, Compiled> byName) {

		static Snapshot of(Map<String, Compiled> byName) {
			Map<String, Entry> byDigest = new HashMap<>();
			for (Compiled compiled : byName.values()) {
				KeyRecord record = compiled.record;
				byDigest.put(record.sha256(), new Entry(HexFormat.of().parseHex(record.sha256()), compiled.key, null));
				if (record.previousSha256() != null && record.previousUntil() != null) {
					byDigest.put(record.previousSha256(), new Entry(HexFormat.of().parseHex(record.previousSha256()),
							compiled.key, record.previousUntil()));
				}
			}
			return new Snapshot(Map.copyOf(byDigest), Map.copyOf(byName));
		}

	}

}
