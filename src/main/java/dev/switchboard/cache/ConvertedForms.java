package dev.switchboard.cache;

import java.time.Duration;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Stored answers in the other form (a JSON answer assembled from a stored stream, a stream told from a stored JSON
 * answer), kept in this process so that a route whose clients ask both ways converts each answer once, not on every
 * hit. Bounded in bytes ({@value #MAX_BYTES}) and living no longer than the stored answer they come from.
 * <p>
 * The converted form is made for the first client that needed it: a stream told from JSON carries a usage chunk only
 * when that client asked for one ({@code stream_options} is not part of the key), which later clients get too.
 */
final class ConvertedForms {

	private static final Log logger = LogFactory.getLog(ConvertedForms.class);

	static final long MAX_BYTES = 64L * 1024 * 1024;

	private final Cache<String, Entry> forms = Caffeine.newBuilder()
		.maximumWeight(MAX_BYTES)
		.weigher((String key, Entry entry) -> entry.answer().weight())
		.expireAfter(Expiry.creating((String key, Entry entry) -> entry.ttl()))
		.build();

	/**
	 * {@code stored} in the form the lookup's client asked for, or {@code null} when it cannot be converted or the
	 * route does not want it converted ({@code streams-from-json: false}); the request then goes upstream as a miss.
	 */
	@Nullable CachedAnswer inClientForm(CacheLookup lookup, CachedAnswer stored) {
		if (stored.stream() == lookup.stream()) {
			return stored;
		}
		if (!lookup.servable(stored) || !AnswerForms.convertible(lookup.endpoint())) {
			return null;
		}
		String key = lookup.key().exact() + (lookup.stream() ? "/stream/" : "/json/") + stored.storedAtMillis() + "/"
				+ stored.weight();
		Entry known = this.forms.getIfPresent(key);
		if (known != null) {
			return known.answer();
		}
		CachedAnswer converted;
		try {
			converted = lookup.stream()
					? new CachedAnswer(true, AnswerForms.asStream(lookup.endpoint(), stored, lookup.request()),
							"text/event-stream", stored.usage(), stored.provider(), stored.model(), stored.storedAtMillis(),
							stored.costMicroUsd())
					: new CachedAnswer(false, List.of(AnswerForms.asJson(lookup.endpoint(), stored, lookup.request())),
							"application/json", stored.usage(), stored.provider(), stored.model(), stored.storedAtMillis(),
							stored.costMicroUsd());
		}
		catch (RuntimeException ex) {
			logger.info("a cached answer could not be served in the other form (" + ex.getClass().getSimpleName()
					+ "): the request goes upstream");
			return null;
		}
		Duration left = Duration.ofMillis(stored.storedAtMillis() + lookup.policy().ttl().toMillis()
				- System.currentTimeMillis());
		if (!left.isNegative() && !left.isZero()) {
			this.forms.put(key, new Entry(converted, left));
		}
		return converted;
	}

	private record Entry(CachedAnswer answer, Duration ttl) {
	}

}
