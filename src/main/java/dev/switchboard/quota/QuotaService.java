package dev.switchboard.quota;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** What every request's metering shares: the store, the tokenizer, the meters, and who was warned this period. */
final class QuotaService {

	private static final Log logger = LogFactory.getLog(QuotaService.class);

	private final QuotaStore store;

	private final TokenCounter tokens;

	private final QuotaMetrics metrics;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	QuotaService(QuotaStore store, TokenCounter tokens, QuotaMetrics metrics) {
		this.store = store;
		this.tokens = tokens;
		this.metrics = metrics;
	}

	QuotaStore store() {
		return this.store;
	}

	TokenCounter tokens() {
		return this.tokens;
	}

	QuotaMetrics metrics() {
		return this.metrics;
	}

	/** Counts a budget warning; the WARN line is written once per period and budget (per replica). */
	void budgetWarning(Limit limit, Limit.Budget budget, int percent) {
		this.metrics.budgetWarning(limit);
		String period = budget.period().id(Instant.now());
		if (this.warned.add(limit.scope().id() + ':' + limit.name() + ':' + period)) {
			logger.warn("Budget warning: " + limit.describe() + " has used " + percent + "% of its "
					+ budget.period().id() + " budget (" + period + ")");
		}
	}

}
