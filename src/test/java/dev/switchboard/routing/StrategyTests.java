package dev.switchboard.routing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderType;
import dev.switchboard.provider.mock.MockAdapter;

import static org.assertj.core.api.Assertions.assertThat;

class StrategyTests {

	private final Target a = target("a", 1);

	private final Target b = target("b", 1);

	private final Target c = target("c", 1);

	@Test
	void fallbackKeepsTheListedOrder() {
		assertThat(Strategy.FALLBACK.order(List.of(this.a, this.b, this.c), new AtomicInteger())).containsExactly(this.a,
				this.b, this.c);
	}

	@Test
	void roundRobinStartsOneFurtherEachRequestAndKeepsEveryTarget() {
		AtomicInteger counter = new AtomicInteger();
		List<Target> targets = List.of(this.a, this.b, this.c);

		assertThat(Strategy.ROUND_ROBIN.order(targets, counter)).containsExactly(this.a, this.b, this.c);
		assertThat(Strategy.ROUND_ROBIN.order(targets, counter)).containsExactly(this.b, this.c, this.a);
		assertThat(Strategy.ROUND_ROBIN.order(targets, counter)).containsExactly(this.c, this.a, this.b);
		assertThat(Strategy.ROUND_ROBIN.order(targets, counter)).containsExactly(this.a, this.b, this.c);
	}

	@Test
	void weightedPicksFirstInProportionToTheWeightsAndKeepsEveryTarget() {
		Target heavy = target("heavy", 3);
		Target light = target("light", 1);
		Map<String, Integer> first = new HashMap<>();
		int draws = 20_000;
		for (int i = 0; i < draws; i++) {
			List<Target> ordered = Strategy.WEIGHTED.order(List.of(heavy, light), new AtomicInteger());
			assertThat(ordered).as("a strategy only reorders").containsExactlyInAnyOrder(heavy, light);
			first.merge(ordered.get(0).model(), 1, Integer::sum);
		}
		// expected 0.75; the bounds are over 20 standard deviations wide, so this never fails by chance
		assertThat(first.get("heavy") / (double) draws).as("share of first picks for weight 3 of 4").isBetween(0.70, 0.80);
	}

	@Test
	void leastLatencyPutsTheFastestFirstAndTriesAnUnmeasuredTargetEarly() {
		this.a.stats().started();
		this.a.stats().finished(Duration.ofMillis(900).toNanos());
		this.b.stats().started();
		this.b.stats().finished(Duration.ofMillis(100).toNanos());

		assertThat(Strategy.LEAST_LATENCY.order(List.of(this.a, this.b, this.c), new AtomicInteger()))
			.as("c has no sample yet, then b is faster than a")
			.containsExactly(this.c, this.b, this.a);
	}

	@Test
	void leastLatencyAveragesRecentSamples() {
		this.a.stats().started();
		this.a.stats().finished(1_000);
		this.a.stats().started();
		this.a.stats().finished(2_000);

		assertThat(this.a.stats().latencyNanos()).isEqualTo(1_000 + TargetStats.ALPHA * 1_000);
		assertThat(this.a.stats().inFlight()).isZero();
	}

	@Test
	void leastBusyPutsTheTargetWithFewestAttemptsInFlightFirst() {
		this.a.stats().started();
		this.a.stats().started();
		this.b.stats().started();

		assertThat(Strategy.LEAST_BUSY.order(List.of(this.a, this.b, this.c), new AtomicInteger())).containsExactly(this.c,
				this.b, this.a);
	}

	@Test
	void namesAreTheConfigurationValues() {
		assertThat(Strategy.of("round-robin")).isEqualTo(Strategy.ROUND_ROBIN);
		assertThat(Strategy.of("Least-Latency")).isEqualTo(Strategy.LEAST_LATENCY);
		assertThat(Strategy.of("random")).isNull();
	}

	private static Target target(String model, int weight) {
		Provider provider = new Provider("p", ProviderType.MOCK, Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(),
				new MockAdapter(), CircuitBreaker.ofDefaults("p"));
		return new Target(provider, model, Duration.ofSeconds(1), Duration.ofSeconds(1), weight, new TargetStats(),
				Set.of());
	}

}
