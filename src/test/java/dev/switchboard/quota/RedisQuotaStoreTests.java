package dev.switchboard.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.switchboard.state.OnUnavailable;
import dev.switchboard.state.RedisState;
import dev.switchboard.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis store's counters against a real redis-server: the same arithmetic as the local store, admissions that
 * arrive together batched into one call and still exact, adjustments carried by the next admission (and seen by it),
 * and an admission whose caller left undone.
 */
class RedisQuotaStoreTests {

	private static RedisServer redis;

	private static RedisState state;

	private static RedisQuotaStore store;

	@BeforeAll
	static void start() throws Exception {
		redis = RedisServer.start();
		state = new RedisState(redis.url(), Duration.ofSeconds(2), OnUnavailable.DENY);
		store = new RedisQuotaStore(state);
	}

	@AfterAll
	static void stop() {
		state.close();
		redis.close();
	}

	@BeforeEach
	void empty() {
		state.strings(c -> c.flushall()).block(Duration.ofSeconds(5));
	}

	@Test
	void everyCheckMustAdmitAndARefusalCountsNothing() {
		Limit key = new Limit(Scope.KEY, "k", 100, 1000, 2, new Limit.Budget(0, 5000, BudgetPeriod.TOTAL, 0));
		List<Check> reserve600 = Check.of(key, 600, 0, 60_000, Instant.now());
		Decision admitted = store.admit(reserve600, "a").block();
		assertThat(admitted.admitted()).isTrue();
		Decision tokens = store.admit(reserve600, "b").block();
		assertThat(tokens.admitted()).as("600 + 600 tokens in a minute of 1000").isFalse();
		assertThat(reserve600.get(tokens.refused()).metric()).isEqualTo(Check.Metric.TOKENS);
		assertThat(store.peek(reserve600).block().used()).as("requests, tokens, in flight, budget: the refusal counted nothing")
			.containsExactly(1, 600, 1, 600);
		// settled at 100 real tokens and released: the reservation is gone
		store.apply(List.of(Op.add(reserve600.get(1).key() + ":" + (admitted.nowMillis() / 60_000), -500, 121_000),
				Op.release(reserve600.get(2).key(), "a"), Op.add(reserve600.get(3).key(), -500, 0))).block();
		assertThat(store.peek(reserve600).block().used()).containsExactly(1, 100, 0, 100);
		List<Check> small = Check.of(key, 10, 0, 300, Instant.now());
		assertThat(store.admit(small, "c").block().admitted()).isTrue();
		assertThat(store.admit(small, "d").block().admitted()).isTrue();
		Decision concurrent = store.admit(small, "e").block();
		assertThat(small.get(concurrent.refused()).metric()).as("two in flight").isEqualTo(Check.Metric.CONCURRENT);
		await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(300))
			.until(() -> store.admit(small, "f").block().admitted());
	}

	@Test
	void admissionsThatArriveTogetherShareCallsAndNeverTakeMoreThanTheLimit() throws Exception {
		Limit key = new Limit(Scope.KEY, "burst", 50, 0, 0, null);
		List<Check> checks = Check.of(key, 0, 0, 0, Instant.now());
		long callsBefore = evalshaCalls();
		List<Decision> answered = together(200, checks);
		assertThat(answered).hasSize(200);
		assertThat(answered.stream().filter(Decision::admitted).count()).isEqualTo(50);
		assertThat(store.peek(checks).block().used()[0]).isEqualTo(50);
		assertThat(evalshaCalls() - callsBefore).as("admissions that waited for a call went in the next one together")
			.isLessThan(200);
	}

	@Test
	void admissionsInOneCallSeeEachOthersCountsOfEveryKind() throws Exception {
		// 100 tokens each: 30 fit the minute's tokens, 25 the budget, 20 the requests in flight
		Limit key = new Limit(Scope.KEY, "every", 1000, 3000, 20, new Limit.Budget(0, 2500, BudgetPeriod.TOTAL, 0));
		List<Check> checks = Check.of(key, 100, 0, 60_000, Instant.now());
		List<Decision> answered = together(200, checks);
		assertThat(answered.stream().filter(Decision::admitted).count()).as("in flight binds first").isEqualTo(20);
		assertThat(store.peek(checks).block().used()).containsExactly(20, 2000, 20, 2000);
		// the releases of one counter go in one call, one command
		List<Op> releases = new java.util.ArrayList<>();
		for (int i = 0; i < 200; i++) {
			releases.add(Op.release(checks.get(2).key(), "m" + i));
		}
		store.apply(releases).block(Duration.ofSeconds(5));
		assertThat(store.peek(checks).block().used()).containsExactly(20, 2000, 0, 2000);
		List<Decision> more = together(20, checks);
		assertThat(more.stream().filter(Decision::admitted).count()).as("then the budget: 500 tokens left").isEqualTo(5);
		Decision refused = more.stream().filter(d -> !d.admitted()).findFirst().orElseThrow();
		assertThat(checks.get(refused.refused()).metric()).isEqualTo(Check.Metric.BUDGET);
		assertThat(store.peek(checks).block().used()).containsExactly(25, 2500, 5, 2500);
	}

	/** {@code count} admissions of {@code checks} sent at once from 8 threads, members {@code m0...}. */
	private static List<Decision> together(int count, List<Check> checks) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(8);
		CountDownLatch go = new CountDownLatch(1);
		List<Mono<Decision>> decisions = new java.util.ArrayList<>();
		for (int i = 0; i < count; i++) {
			String member = "m" + i;
			decisions.add(Mono.fromCallable(() -> {
				go.await();
				return member;
			}).subscribeOn(reactor.core.scheduler.Schedulers.fromExecutor(threads)).flatMap(m -> store.admit(checks, m)));
		}
		Mono<List<Decision>> all = Flux.merge(decisions).collectList();
		reactor.core.publisher.Sinks.One<List<Decision>> result = reactor.core.publisher.Sinks.one();
		all.subscribe(result::tryEmitValue);
		go.countDown();
		List<Decision> answered = result.asMono().block(Duration.ofSeconds(20));
		threads.shutdown();
		return answered;
	}

	@Test
	void anAdjustmentRidesWithTheNextAdmissionWhichSeesIt() {
		Limit key = new Limit(Scope.KEY, "one", 0, 0, 1, null);
		List<Check> checks = Check.of(key, 0, 0, 60_000, Instant.now());
		assertThat(store.admit(checks, "first").block().admitted()).isTrue();
		assertThat(store.admit(checks, "second").block().admitted()).as("one in flight").isFalse();
		long callsBefore = evalshaCalls();
		// the release is not waited for: it waits for a call to carry it, and goes first in that call
		store.apply(List.of(Op.release(checks.get(0).key(), "first"))).subscribe();
		assertThat(store.admit(checks, "third").block().admitted()).isTrue();
		assertThat(evalshaCalls() - callsBefore).as("one call carried both").isEqualTo(1);
	}

	@Test
	void anAdjustmentNobodyCarriesGoesOnItsOwnSoon() {
		Limit key = new Limit(Scope.KEY, "alone", 0, 0, 1, null);
		List<Check> checks = Check.of(key, 0, 0, 60_000, Instant.now());
		assertThat(store.admit(checks, "first").block().admitted()).isTrue();
		store.apply(List.of(Op.release(checks.get(0).key(), "first"))).block(Duration.ofSeconds(5));
		assertThat(store.peek(checks).block().used()).containsExactly(0);
	}

	@Test
	void anAdmissionWhoseCallerLeftIsTakenBack() {
		Limit key = new Limit(Scope.KEY, "left", 10, 1000, 1, new Limit.Budget(0, 5000, BudgetPeriod.TOTAL, 0));
		List<Check> checks = Check.of(key, 300, 0, 60_000, Instant.now());
		// sent at subscription, on an event loop as a request is; the caller is gone before the answer is handed to
		// that loop
		io.netty.channel.DefaultEventLoop loop = new io.netty.channel.DefaultEventLoop();
		try {
			loop.execute(() -> {
				Disposable admission = store.admit(checks, "gone").subscribe();
				admission.dispose();
			});
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(store.peek(checks).block().used()).containsExactly(0, 0, 0, 0));
		}
		finally {
			loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
		}
		assertThat(store.admit(checks, "next").block().admitted()).as("its place in flight is free").isTrue();
	}

	private static long evalshaCalls() {
		String stats = state.strings(c -> c.info("commandstats")).block(Duration.ofSeconds(5));
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_evalsha:")) {
				return Long.parseLong(line.replaceAll("^cmdstat_evalsha:calls=(\\d+),.*", "$1"));
			}
		}
		return 0;
	}

}
