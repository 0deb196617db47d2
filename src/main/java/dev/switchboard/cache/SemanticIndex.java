package dev.switchboard.cache;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * The embeddings of stored answers' conversations, in this process only, grouped by everything that must match
 * exactly (route, endpoint, owner, every parameter but the conversation's text, the turns' roles): a lookup compares
 * the request's embedding with those of its group by cosine similarity (a dot product of unit vectors) and names the
 * best stored answer at or above the route's threshold.
 * <p>
 * Bounded: at most {@value #PER_GROUP} conversations a group (the oldest go first) and {@value #GROUPS} groups (the
 * least recently used go). An entry lives as long as its answer's time to live; the answer itself is in the store,
 * so an entry whose answer the store has evicted is a miss. With {@code store: redis} the answers are shared by every
 * replica but this index is not: a replica finds by meaning only what it stored itself.
 */
final class SemanticIndex {

	static final int PER_GROUP = 2048;

	static final int GROUPS = 10_000;

	private final Cache<String, Group> groups = Caffeine.newBuilder().maximumSize(GROUPS).build();

	/**
	 * The exact key of the stored answer most similar to {@code vector} in {@code group}, if at least
	 * {@code threshold} similar.
	 */
	@Nullable Match find(String group, float[] vector, double threshold) {
		Group found = this.groups.getIfPresent(group);
		return (found != null) ? found.best(vector, threshold, System.nanoTime()) : null;
	}

	void add(String group, float[] vector, String exactKey, Duration ttl) {
		this.groups.get(group, key -> new Group()).add(new Vector(vector, exactKey, System.nanoTime() + ttl.toNanos()));
	}

	/**
	 * @param exactKey the key of the stored answer
	 * @param similarity its cosine similarity to the request
	 */
	record Match(String exactKey, double similarity) {
	}

	private record Vector(float[] values, String exactKey, long expiresAtNanos) {
	}

	/** One group's conversations, oldest first. */
	private static final class Group {

		private final ArrayDeque<Vector> vectors = new ArrayDeque<>();

		synchronized void add(Vector vector) {
			long now = System.nanoTime();
			this.vectors.removeIf(old -> old.expiresAtNanos() - now <= 0 || old.exactKey().equals(vector.exactKey()));
			if (this.vectors.size() >= PER_GROUP) {
				this.vectors.removeFirst();
			}
			this.vectors.addLast(vector);
		}

		synchronized @Nullable Match best(float[] query, double threshold, long now) {
			Match best = null;
			for (Iterator<Vector> it = this.vectors.iterator(); it.hasNext();) {
				Vector vector = it.next();
				if (vector.expiresAtNanos() - now <= 0) {
					it.remove();
					continue;
				}
				double similarity = dot(query, vector.values());
				if (similarity >= threshold && (best == null || similarity > best.similarity())) {
					best = new Match(vector.exactKey(), similarity);
				}
			}
			return best;
		}

	}

	static double dot(float[] a, float[] b) {
		int n = Math.min(a.length, b.length);
		double sum = 0;
		for (int i = 0; i < n; i++) {
			sum += a[i] * b[i];
		}
		return sum;
	}

}
