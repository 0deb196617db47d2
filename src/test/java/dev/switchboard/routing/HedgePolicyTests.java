package dev.switchboard.routing;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderType;
import dev.switchboard.provider.mock.MockAdapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HedgePolicyTests {

	@Test
	void aFixedDelayHedgesAfterThatDelayWhateverTheHistory() {
		assertThat(HedgePolicy.parse("800ms").after(target())).isEqualTo(Duration.ofMillis(800));
		assertThat(HedgePolicy.parse("2s").after(target())).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void aPercentileWaitsForEnoughSamplesThenUsesThem() {
		Target target = target();
		HedgePolicy p95 = HedgePolicy.parse("p95");
		for (int i = 1; i < TargetStats.MIN_SAMPLES; i++) {
			record(target, i);
		}
		assertThat(p95.after(target)).as("19 samples are too few to hedge on").isNull();

		for (int i = TargetStats.MIN_SAMPLES; i <= 100; i++) {
			record(target, i);
		}

		assertThat(p95.after(target)).isEqualTo(Duration.ofMillis(95));
		assertThat(HedgePolicy.parse("p50").after(target)).isEqualTo(Duration.ofMillis(50));
	}

	@Test
	void onlyTheLatestSamplesCount() {
		Target target = target();
		for (int i = 0; i < TargetStats.WINDOW; i++) {
			record(target, 1000);
		}
		for (int i = 0; i < TargetStats.WINDOW; i++) {
			record(target, 10);
		}

		assertThat(HedgePolicy.parse("p99").after(target)).isEqualTo(Duration.ofMillis(10));
	}

	@Test
	void failedAttemptsAreNotSamples() {
		Target target = target();
		for (int i = 0; i < 50; i++) {
			target.stats().started();
			target.stats().finished(-1);
		}

		assertThat(HedgePolicy.parse("p95").after(target)).isNull();
	}

	@Test
	void rejectsWhatIsNeitherADurationNorAPercentile() {
		assertThatIllegalArgumentException().isThrownBy(() -> HedgePolicy.parse("soon")).withMessageContaining("p95");
		assertThatIllegalArgumentException().isThrownBy(() -> HedgePolicy.parse("0ms")).withMessage("must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> HedgePolicy.parse("p0"));
	}

	private static void record(Target target, long millis) {
		target.stats().started();
		target.stats().finished(Duration.ofMillis(millis).toNanos());
	}

	private static Target target() {
		Provider provider = new Provider("p", ProviderType.MOCK, Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(),
				new MockAdapter(), CircuitBreaker.ofDefaults("p"));
		return Target.of(provider, "m");
	}

}
