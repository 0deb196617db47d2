package dev.switchboard.quota;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.support.KeySpend;
import dev.switchboard.support.LimitsSpec;
import dev.switchboard.support.TokenUsage;

import static org.assertj.core.api.Assertions.assertThat;

/** Prices, periods, the sliding window and the checks of limits, without a gateway. */
class QuotaUnitTests {

	@Test
	void pricesComeFromOverridesFirstThenTheBuiltInTableWithDatedSnapshots() {
		Prices prices = new Prices(Map.of("fast", new Price(1, 2), "primary/custom", new Price(3, 4)));
		assertThat(prices.of("fast", "primary", "gpt-4o-mini")).isEqualTo(new Price(1, 2));
		assertThat(prices.of(null, "primary", "custom")).isEqualTo(new Price(3, 4));
		assertThat(prices.of(null, "openai", "gpt-4o-mini-2024-07-18")).isEqualTo(new Price(0.15, 0.60, 0.075));
		assertThat(prices.of(null, "claude", "claude-sonnet-4-20250514")).isEqualTo(new Price(3, 15, 0.30));
		assertThat(prices.of(null, "x", "my-model")).isNull();
		// 1000 input of which 400 cached, 500 output at gpt-4o-mini: 600*0.15 + 400*0.075 + 500*0.6 micro-dollars
		assertThat(new Price(0.15, 0.60, 0.075).microUsd(new TokenUsage(1000, 500, 400, 0, false))).isEqualTo(420);
	}

	@Test
	void periodsAreAlignedToUtc() {
		Instant now = Instant.parse("2026-12-03T10:15:00Z");
		assertThat(BudgetPeriod.DAY.id(now)).isEqualTo("2026-12-03");
		assertThat(BudgetPeriod.DAY.end(now)).isEqualTo(Instant.parse("2026-12-04T00:00:00Z"));
		assertThat(BudgetPeriod.WEEK.id(now)).isEqualTo("2026-W49");
		assertThat(BudgetPeriod.WEEK.end(now)).isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
		assertThat(BudgetPeriod.MONTH.id(now)).isEqualTo("2026-12");
		assertThat(BudgetPeriod.MONTH.end(now)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
		assertThat(BudgetPeriod.TOTAL.end(now)).isNull();
		assertThat(BudgetPeriod.DAY.start(now)).isEqualTo(Instant.parse("2026-12-03T00:00:00Z"));
		assertThat(BudgetPeriod.WEEK.start(now)).as("Thursday's week began on Monday")
			.isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
		assertThat(BudgetPeriod.WEEK.start(Instant.parse("2026-11-30T00:00:00Z")))
			.isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
		assertThat(BudgetPeriod.MONTH.start(now)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
		assertThat(BudgetPeriod.TOTAL.start(now)).isNull();
	}

	@Test
	void theSlidingWindowAdmitsTheLimitPerMinuteAndSaysWhenTheNextFits() {
		AtomicLong clock = new AtomicLong(60_000 * 100);
		LocalQuotaStore store = new LocalQuotaStore(null, clock::get, Duration.ofSeconds(1));
		Limit limit = new Limit(Scope.KEY, "k", 10, 0, 0, null);
		List<Check> checks = Check.of(limit, 0, 0, 0, Instant.now());
		int admitted = 0;
		for (int i = 0; i < 15; i++) {
			if (store.admit(checks, "r" + i).block().admitted()) {
				admitted++;
			}
		}
		assertThat(admitted).isEqualTo(10);
		Decision refused = store.admit(checks, "late").block();
		assertThat(refused.admitted()).isFalse();
		assertThat(refused.retryAfterMillis()).as("all ten came at the window's start: the next fits once some slide out")
			.isBetween(60_000L, 66_000L);
		// half-way into the next window half of the previous one still counts
		clock.addAndGet(90_000);
		int later = 0;
		for (int i = 0; i < 10; i++) {
			if (store.admit(checks, "n" + i).block().admitted()) {
				later++;
			}
		}
		assertThat(later).isEqualTo(5);
	}

	@Test
	void racingAdmissionsNeverOvershootALimit() throws Exception {
		AtomicLong clock = new AtomicLong(60_000 * 100);
		LocalQuotaStore store = new LocalQuotaStore(null, clock::get, Duration.ofSeconds(1));
		// 8 threads x 500 admissions against 1,000 requests a minute, 100 tokens each against 150,000 tokens a minute
		// and 12 in flight: whatever the interleaving, no limit is ever passed
		Limit limit = new Limit(Scope.KEY, "k", 1000, 150_000, 12, new Limit.Budget(0, 90_000, BudgetPeriod.TOTAL, 0));
		List<Check> checks = Check.of(limit, 100, 0, 60_000, Instant.now());
		AtomicLong admitted = new AtomicLong();
		AtomicLong inFlight = new AtomicLong();
		AtomicLong mostInFlight = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			int thread = t;
			Thread worker = new Thread(() -> {
				for (int i = 0; i < 500; i++) {
					String member = thread + "-" + i;
					if (store.admit(checks, member).block().admitted()) {
						admitted.incrementAndGet();
						mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
						Thread.onSpinWait();
						inFlight.decrementAndGet();
						store.apply(List.of(Op.release(checks.get(2).key(), member))).block();
					}
				}
			});
			worker.start();
			threads.add(worker);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(mostInFlight.get()).as("in flight at once").isLessThanOrEqualTo(12);
		assertThat(admitted.get()).as("the budget of 90,000 tokens holds 900 requests of 100").isLessThanOrEqualTo(900)
			.isGreaterThan(0);
		Decision after = store.peek(checks).block();
		assertThat(after.used()).as("requests, tokens, in flight, budget: refusals took back what they added")
			.containsExactly(admitted.get(), admitted.get() * 100, 0, admitted.get() * 100);
	}

	@Test
	void everyCheckMustAdmitAndARefusalCountsNothing() {
		AtomicLong clock = new AtomicLong(60_000 * 100);
		LocalQuotaStore store = new LocalQuotaStore(null, clock::get, Duration.ofSeconds(1));
		Limit key = new Limit(Scope.KEY, "k", 100, 1000, 2, new Limit.Budget(0, 5000, BudgetPeriod.TOTAL, 0));
		List<Check> reserve600 = Check.of(key, 600, 0, 60_000, Instant.now());
		assertThat(store.admit(reserve600, "a").block().admitted()).isTrue();
		Decision tokens = store.admit(reserve600, "b").block();
		assertThat(tokens.admitted()).as("600 + 600 tokens in a minute of 1000").isFalse();
		assertThat(reserve600.get(tokens.refused()).metric()).isEqualTo(Check.Metric.TOKENS);
		Decision peek = store.peek(reserve600).block();
		assertThat(peek.used()).as("requests, tokens, in flight, budget: the refusal counted nothing")
			.containsExactly(1, 600, 1, 600);
		// settled at 100 real tokens and released: the reservation is gone
		store.apply(List.of(Op.add(reserve600.get(1).key() + ":" + (clock.get() / 60_000), -500, 121_000),
				Op.release(reserve600.get(2).key(), "a"), Op.add(reserve600.get(3).key(), -500, 0))).block();
		assertThat(store.peek(reserve600).block().used()).containsExactly(1, 100, 0, 100);
		List<Check> small = Check.of(key, 10, 0, 60_000, Instant.now());
		assertThat(store.admit(small, "c").block().admitted()).isTrue();
		assertThat(store.admit(small, "d").block().admitted()).isTrue();
		Decision concurrent = store.admit(small, "e").block();
		assertThat(small.get(concurrent.refused()).metric()).as("two in flight").isEqualTo(Check.Metric.CONCURRENT);
		clock.addAndGet(61_000);
		assertThat(store.admit(small, "f").block().admitted()).as("leases expire: a crashed request frees its place")
			.isTrue();
	}

	@Test
	void invalidLimitsAndPricesAreConfigurationProblems() {
		SwitchboardProperties properties = new SwitchboardProperties();
		SwitchboardProperties.Key key = new SwitchboardProperties.Key();
		key.setName("team-a");
		LimitsProperties limits = new LimitsProperties();
		limits.setRequestsPerMinute(0L);
		limits.setConcurrentRequests(-1L);
		LimitsProperties.BudgetProperties budget = new LimitsProperties.BudgetProperties();
		budget.setUsd(50.0);
		budget.setPeriod("fortnight");
		budget.setWarnAt(1.5);
		limits.setBudget(budget);
		key.setLimits(limits);
		properties.getAuth().getKeys().add(key);
		PriceProperties price = new PriceProperties();
		price.setInput(1.0);
		price.setOutput(-2.0);
		properties.getPrices().put("nobody/model", price);
		List<String> problems = new ArrayList<>();
		Quotas.compile(properties, java.util.Set.of("openai"), java.util.Set.of("fast"), problems);
		assertThat(problems).containsExactly("switchboard.auth.keys[0].limits.requests-per-minute must be positive",
				"switchboard.auth.keys[0].limits.concurrent-requests must be positive",
				"switchboard.auth.keys[0].limits.budget.period: unknown period 'fortnight' (day, week, month, total)",
				"switchboard.auth.keys[0].limits.budget.warn-at must be above 0 and at most 1 (a share: 0.8 for 80%)",
				"switchboard.prices[nobody/model]: prices a route alias or a provider/model of a configured provider; "
						+ "'nobody/model' is neither (a key with a '/' needs brackets: \"[openai/gpt-4o-mini]\")",
				"switchboard.prices[nobody/model]: prices must not be negative");
	}

	@Test
	void aKeysLimitsAreCompiledOncePerVersionAndAgainWhenTheyChange() {
		KeyLimits limits = new KeyLimits();
		LimitsSpec two = new LimitsSpec(2L, null, null,
				new LimitsSpec.Budget(new BigDecimal("0.0123"), null, "week", 0.8));
		Limit first = limits.of("team-x", two);
		assertThat(first).isEqualTo(new Limit(Scope.KEY, "team-x", 2, 0, 0,
				new Limit.Budget(12_300, 0, BudgetPeriod.WEEK, 0.8)));
		assertThat(limits.of("team-x", two)).as("the same version: the compiled limit, not a new one").isSameAs(first);
		assertThat(limits.of("team-x", new LimitsSpec(2L, null, null,
				new LimitsSpec.Budget(new BigDecimal("0.0123"), null, "week", 0.8))))
			.as("an equal spec (a key read again by a sync)").isSameAs(first);
		assertThat(limits.of("team-x", new LimitsSpec(10L, null, null, null)).requestsPerMinute())
			.as("a changed spec is compiled again").isEqualTo(10);
		assertThat(limits.of("team-x", null)).isNull();
		assertThat(limits.of("team-y", new LimitsSpec(null, null, null, null))).as("nothing limited").isNull();
		assertThat(QuotaKeys.limit(first, "rpm")).as("the counters of a configured key of that name")
			.isEqualTo("sb:q:key:team-x:rpm");
	}

	@Test
	void theLimitsOfConfigurationAndOfTheAdminApiAreCheckedByTheSameRules() {
		LimitsProperties settings = new LimitsProperties();
		settings.setTokensPerMinute(-5L);
		LimitsProperties.BudgetProperties budget = new LimitsProperties.BudgetProperties();
		budget.setUsd(5.0);
		budget.setTokens(100L);
		settings.setBudget(budget);
		assertThat(settings.toSpec().problems()).extracting(LimitsSpec.Problem::field)
			.containsExactly("tokens-per-minute", "budget");
		for (String period : LimitsSpec.PERIODS) {
			assertThat(BudgetPeriod.of(period)).as(period).isNotNull();
		}
		assertThat(LimitsSpec.PERIODS).as("every period the quota knows can be written")
			.hasSize(BudgetPeriod.values().length);
	}

	@Test
	void theSpendOfManyKeysIsReadInBatchesAndAnUnreadableBatchIsLeftOut() {
		LocalQuotaStore local = new LocalQuotaStore(null, System::currentTimeMillis, Duration.ofSeconds(1));
		AtomicLong peeks = new AtomicLong();
		QuotaStore store = new QuotaStore() {
			@Override
			public Mono<Decision> admit(List<Check> checks, String member) {
				return local.admit(checks, member);
			}

			@Override
			public Mono<Decision> peek(List<Check> checks) {
				peeks.incrementAndGet();
				return checks.stream().anyMatch(check -> check.limitOf().name().equals("broken"))
						? Mono.error(new IllegalStateException("unreachable")) : local.peek(checks);
			}

			@Override
			public Mono<Void> apply(List<Op> ops) {
				return local.apply(ops);
			}

			@Override
			public Mono<Map<String, Map<String, Long>>> usage(List<String> days) {
				return local.usage(days);
			}
		};
		KeyLimits keyLimits = new KeyLimits();
		LimitsSpec tokens = new LimitsSpec(null, null, null, new LimitsSpec.Budget(null, 1000L, "day", null));
		Limit spent = keyLimits.of("key-0", tokens);
		local.admit(Check.of(spent, 120, 0, 0, Instant.now()), "m").block();
		Map<String, LimitsSpec> keys = new java.util.LinkedHashMap<>();
		for (int i = 0; i < BudgetSpend.BATCH + 10; i++) {
			keys.put("key-" + i, tokens);
		}
		keys.put("no-budget", new LimitsSpec(5L, null, null, null));
		Map<String, KeySpend.Spend> found = new BudgetSpend(store, keyLimits).of(keys).block();
		assertThat(peeks.get()).as("one read per batch, not per key").isEqualTo(2);
		assertThat(found).hasSize(BudgetSpend.BATCH + 10).doesNotContainKey("no-budget");
		assertThat(found.get("key-0")).isEqualTo(new KeySpend.Spend("tokens", BigDecimal.valueOf(120), "day",
				BudgetPeriod.DAY.start(Instant.now())));
		assertThat(found.get("key-1").amount()).isEqualByComparingTo("0");

		keys.put("broken", tokens);
		assertThat(new BudgetSpend(store, keyLimits).of(keys).block())
			.as("the batch that failed (the second) is left out, the first answered")
			.doesNotContainKey("broken")
			.hasSize(BudgetSpend.BATCH);
	}

}
