package dev.switchboard.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.switchboard.support.KeySpend;
import dev.switchboard.support.LimitsSpec;

/**
 * The spend of keys' budgets, read from the counters the quota slot enforces (the same checks, with no cost: a
 * {@link QuotaStore#peek}), for the key records of the admin API. Keys are read in batches of {@value #BATCH}, one
 * store call each (one script call in Redis), so a list of thousands of keys costs a handful of calls; the batches run
 * on a parallel worker, since the local store answers in the caller's thread.
 */
final class BudgetSpend implements KeySpend {

	static final int BATCH = 256;

	private static final Log logger = LogFactory.getLog(BudgetSpend.class);

	private final QuotaStore store;

	private final KeyLimits keyLimits;

	BudgetSpend(QuotaStore store, KeyLimits keyLimits) {
		this.store = store;
		this.keyLimits = keyLimits;
	}

	@Override
	public Mono<Map<String, Spend>> of(Map<String, LimitsSpec> limits) {
		Instant now = Instant.now();
		List<Check> checks = new ArrayList<>();
		limits.forEach((name, spec) -> {
			Limit limit = this.keyLimits.of(name, spec);
			if (limit != null && limit.budget() != null) {
				for (Check check : Check.of(limit, 0, 0, 0, now)) {
					if (check.kind() == Check.Kind.BUDGET) {
						checks.add(check);
					}
				}
			}
		});
		if (checks.isEmpty()) {
			return Mono.just(Map.of());
		}
		List<List<Check>> batches = new ArrayList<>();
		for (int i = 0; i < checks.size(); i += BATCH) {
			batches.add(checks.subList(i, Math.min(checks.size(), i + BATCH)));
		}
		return Flux.fromIterable(batches)
			.concatMap(batch -> this.store.peek(batch).map(decision -> spend(batch, decision, now)).onErrorResume(ex -> {
				// the records are still answered, without the spend nobody could read
				logger.debug("The spend of " + batch.size() + " keys could not be read: " + ex.getMessage());
				return Mono.just(Map.of());
			}))
			.subscribeOn(Schedulers.parallel())
			.publishOn(Schedulers.parallel())
			.collect(HashMap<String, Spend>::new, Map::putAll)
			.map(found -> (Map<String, Spend>) found);
	}

	private static Map<String, Spend> spend(List<Check> batch, Decision decision, Instant now) {
		Map<String, Spend> found = new HashMap<>();
		for (int i = 0; i < batch.size() && i < decision.used().length; i++) {
			Limit limit = batch.get(i).limitOf();
			Limit.Budget budget = limit.budget();
			long used = decision.used()[i];
			BigDecimal amount = budget.inUsd() ? plain(BigDecimal.valueOf(used, 6)) : BigDecimal.valueOf(used);
			found.put(limit.name(), new Spend(budget.inUsd() ? "usd" : "tokens", amount, budget.period().id(),
					budget.period().start(now)));
		}
		return found;
	}

	/** {@code 0.0123}, not {@code 0.012300}; {@code 10}, not {@code 1E+1}. */
	private static BigDecimal plain(BigDecimal value) {
		BigDecimal stripped = value.stripTrailingZeros();
		return (stripped.scale() < 0) ? stripped.setScale(0) : stripped;
	}

}
