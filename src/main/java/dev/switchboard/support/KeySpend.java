package dev.switchboard.support;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * This period's spend of keys with a budget, as the quota capability counts it, for the records of the admin API:
 * auth asks by key name and limits, quota answers from its store. Where the two capabilities meet, so that neither
 * reads the other's internals.
 */
public interface KeySpend {

	/** No spend known: a gateway without the quota capability. */
	KeySpend NONE = limits -> Mono.just(Map.of());

	/**
	 * The spend of each key of {@code limits} (key name to its limits) whose limits have a budget, in one batched read
	 * of the store, signalled off the event loop. A key whose spend could not be read (the store is unreachable) is
	 * left out of the answer; it never fails.
	 */
	Mono<Map<String, Spend>> of(Map<String, LimitsSpec> limits);

	/**
	 * What a key spent in its budget's current period, reservations of requests in flight included.
	 *
	 * @param unit {@code usd} or {@code tokens}, the budget's
	 * @param amount dollars (to the millionth) or tokens
	 * @param period the budget's period: {@code day}, {@code week}, {@code month} or {@code total}
	 * @param since when the current period began (UTC), or {@code null} for {@code total}
	 */
	record Spend(String unit, BigDecimal amount, String period, @Nullable Instant since) {

		/** {@code {"usd": 0.0123, "period": "month", "since": "2026-12-01T00:00:00Z"}}. */
		public ObjectNode toJson() {
			ObjectNode out = JsonNodeFactory.instance.objectNode();
			out.put(this.unit, this.amount);
			out.put("period", this.period);
			out.put("since", (this.since != null) ? this.since.toString() : null);
			return out;
		}

	}

}
