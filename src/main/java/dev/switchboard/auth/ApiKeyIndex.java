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
		return this.snapshot.records.get(name);
	}

	/** Every record, by name. */
	public List<KeyRecord> records() {
		return new ArrayList<>(new TreeMap<>(this.snapshot.records).values());
	}

	public int size() {
		return this.snapshot.records.size();
	}

	/** Replaces every record: a load at start-up or a full sync with the store. */
	public synchronized void replaceAll(Collection<KeyRecord> records) {
		Map<String, KeyRecord> byName = new LinkedHashMap<>();
		records.forEach(record -> byName.put(record.name(), record));
		this.snapshot = Snapshot.of(byName);
	}

	/** Adds or replaces one record. */
	public synchronized void put(KeyRecord record) {
		Map<String, KeyRecord> byName = new LinkedHashMap<>(this.snapshot.records);
		byName.put(record.name(), record);
		this.snapshot = Snapshot.of(byName);
	}

	/** Removes the record named {@code name}: its key (and a rotated one in grace) stop working at once. */
	public synchronized void remove(String name) {
		if (this.snapshot.records.containsKey(name)) {
			Map<String, KeyRecord> byName = new LinkedHashMap<>(this.snapshot.records);
			byName.remove(name);
			this.snapshot = Snapshot.of(byName);
		}
	}

	private record Entry(byte[] digest, GatewayKey key, @Nullable Instant validUntil) {
	}

	private record Snapshot(Map<String, Entry> byDigest, Map<String, KeyRecord> records) {

		static Snapshot of(Map<String, KeyRecord> records) {
			Map<String, Entry> byDigest = new HashMap<>();
			for (KeyRecord record : records.values()) {
				// compiled when it was accepted, so this cannot fail for a record in the index
				GatewayKey key = record.spec().compile(record.name());
				byDigest.put(record.sha256(), new Entry(HexFormat.of().parseHex(record.sha256()), key, null));
				if (record.previousSha256() != null && record.previousUntil() != null) {
					byDigest.put(record.previousSha256(), new Entry(HexFormat.of().parseHex(record.previousSha256()),
							key, record.previousUntil()));
				}
			}
			return new Snapshot(Map.copyOf(byDigest), Map.copyOf(records));
		}

	}

}
