package dev.switchboard.support;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The header values formatted by hand are what the slower, obvious way gives. */
class GatewayHeadersTests {

	@Test
	void dollarsHaveSixDecimalsAsBigDecimalWritesThem() {
		for (long micros : new long[] { 0, 1, 9, 10, 999, 1234, 100_000, 999_999, 1_000_000, 12_345_678, 5_000_000_007L }) {
			assertThat(GatewayHeaders.usd(micros)).as("%d", micros)
				.isEqualTo(BigDecimal.valueOf(micros, 6).toPlainString());
		}
		assertThat(GatewayHeaders.usd(-5)).isEqualTo("0.000000");
	}

	@Test
	void millisecondsHaveThreeDecimals() {
		assertThat(GatewayHeaders.millis(4_039_000)).isEqualTo("4.039");
		assertThat(GatewayHeaders.millis(5_000)).isEqualTo("0.005");
		assertThat(GatewayHeaders.millis(12_340_000_000L)).isEqualTo("12340.000");
	}

}
