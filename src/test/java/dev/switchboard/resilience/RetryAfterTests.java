package dev.switchboard.resilience;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTests {

	private static final Instant NOW = Instant.parse("2025-10-21T07:28:00Z");

	@Test
	void readsDeltaSeconds() {
		assertThat(RetryAfter.parse("7", NOW)).isEqualTo(Duration.ofSeconds(7));
		assertThat(RetryAfter.parse("0", NOW)).as("zero means retry now").isEqualTo(Duration.ZERO);
		assertThat(RetryAfter.parse("120", NOW)).isEqualTo(Duration.ofMinutes(2));
		assertThat(RetryAfter.parse("  3 ", NOW)).as("surrounding whitespace").isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void roundsFractionalSecondsUpToTheMillisecond() {
		assertThat(RetryAfter.parse("1.5", NOW)).isEqualTo(Duration.ofMillis(1500));
		assertThat(RetryAfter.parse("0.0001", NOW)).as("never shorter than asked").isEqualTo(Duration.ofMillis(1));
	}

	@Test
	void readsAnHttpDateAsTheTimeUntilThatDate() {
		assertThat(RetryAfter.parse("Tue, 21 Oct 2025 07:28:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
		assertThat(RetryAfter.parse("Tue, 21 Oct 2025 08:28:00 GMT", NOW)).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void treatsAnHttpDateInThePastAsNoWait() {
		assertThat(RetryAfter.parse("Tue, 21 Oct 2025 07:27:00 GMT", NOW)).as("never negative").isEqualTo(Duration.ZERO);
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "", "   ", "soon", "-1", "-0.5", "NaN", "Infinity", "1e12", "21 Oct 2025 07:28:00",
			"2025-10-21T07:28:30Z", "7 seconds" })
	void ignoresAnAbsentOrUnreadableValue(String value) {
		assertThat(RetryAfter.parse(value, NOW)).as("'%s' gives no wait", value).isNull();
	}

}
