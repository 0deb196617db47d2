package dev.switchboard.quota;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a replica counted while Redis was down, summed per counter (and per usage field), so that an outage of any
 * length keeps one entry per counter rather than one per request. Releases of concurrency leases are kept too: a
 * lease taken before the outage must not outlive its request.
 */
final class PendingCounts {

	private final Map<String, long[]> adds = new LinkedHashMap<>();

	private final Map<String, Long> records = new LinkedHashMap<>();

	private final List<Op> releases = new ArrayList<>();

	synchronized void add(List<Op> ops) {
		for (Op op : ops) {
			switch (op.type()) {
				case ADD -> {
					long[] entry = this.adds.computeIfAbsent(op.key(), k -> new long[2]);
					entry[0] += op.amount();
					entry[1] = Math.max(entry[1], op.ttlMillis());
				}
				case RECORD -> this.records.merge(op.key() + QuotaKeys.SEPARATOR + QuotaKeys.SEPARATOR + op.field(),
						op.amount(), Long::sum);
				case RELEASE -> this.releases.add(op);
			}
		}
	}

	synchronized int size() {
		return this.adds.size() + this.records.size() + this.releases.size();
	}

	/** Everything kept, as ops, and forgets it. */
	synchronized List<Op> drain() {
		List<Op> ops = new ArrayList<>(size());
		this.adds.forEach((key, entry) -> ops.add(Op.add(key, entry[0], entry[1])));
		String split = "" + QuotaKeys.SEPARATOR + QuotaKeys.SEPARATOR;
		this.records.forEach((keyAndField, amount) -> {
			int at = keyAndField.indexOf(split);
			ops.add(Op.record(keyAndField.substring(0, at), keyAndField.substring(at + 2), amount));
		});
		ops.addAll(this.releases);
		this.adds.clear();
		this.records.clear();
		this.releases.clear();
		return ops;
	}

}
