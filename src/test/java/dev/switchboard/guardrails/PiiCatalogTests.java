package dev.switchboard.guardrails;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.switchboard.guardrails.Fixtures.alnum;
import static dev.switchboard.guardrails.Fixtures.base64;
import static dev.switchboard.guardrails.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

/** PII entities with their checks, and the entropy detector's positives and negatives. */
class PiiCatalogTests {

	private static final Scanner PII = new Scanner(List.of(SecretCatalogTests.compile(Map.of("type", "pii"))),
			Direction.REQUEST, null);

	private static final Scanner SECRETS = new Scanner(List.of(SecretCatalogTests.compile(Map.of("type", "secrets"))),
			Direction.REQUEST, null);

	static Stream<Arguments> positives() {
		return Stream.of(Arguments.of("email", "write to jane.doe+work@example.co.uk today", "jane.doe+work@example.co.uk"),
				Arguments.of("phone", "call +1 415 555 0100 now", "+1 415 555 0100"),
				Arguments.of("phone", "call (415) 555-0100 now", "(415) 555-0100"),
				Arguments.of("phone", "ring +44 20 7946 0958.", "+44 20 7946 0958"),
				Arguments.of("phone", "Tel. 030 1234 5678", "030 1234 5678"),
				Arguments.of("credit-card", "card 4111 1111 1111 1111 exp 12/29", "4111 1111 1111 1111"),
				Arguments.of("credit-card", "mc 5555555555554444", "5555555555554444"),
				Arguments.of("credit-card", "amex 3782-822463-10005", "3782-822463-10005"),
				Arguments.of("iban", "IBAN DE89 3704 0044 0532 0130 00 please", "DE89 3704 0044 0532 0130 00"),
				Arguments.of("iban", "to GB82WEST12345698765432.", "GB82WEST12345698765432"),
				Arguments.of("us-ssn", "SSN 123-45-6789", "123-45-6789"),
				Arguments.of("ip-address", "ssh root at 192.168.1.20 now", "192.168.1.20"),
				Arguments.of("ip-address", "host 2001:db8::8a2e:370:7334 is up", "2001:db8::8a2e:370:7334"),
				Arguments.of("ip-address", "full 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
	}

	@ParameterizedTest(name = "{0}: {2}")
	@MethodSource("positives")
	void findsEachEntity(String rule, String text, String value) {
		List<Scanner.Hit> hits = PII.find(text, 0);
		assertThat(hits).hasSize(1);
		assertThat(hits.get(0).rule().name()).isEqualTo(rule);
		assertThat(text.substring(hits.get(0).start(), hits.get(0).end())).isEqualTo(value);
	}

	static Stream<String> negatives() {
		return Stream.of("card 4111 1111 1111 1112 fails Luhn", "IBAN DE89 3704 0044 0532 0130 01 fails mod-97",
				"SSN 666-12-3456 and 000-12-3456 and 123-00-4567 are never issued", "version 1.2.3 and 999.1.1.1",
				"at 12:30:45 the MAC 00:1A:2B:3C:4D:5E", "git@github.com:org/repo.git", "std::vector<int> a;",
				"released 2024-01-15, build 20240115", "order 1700000000000 shipped", "ratio 3.14159 and 1,234,567",
				"call me maybe", "user@localhost");
	}

	@ParameterizedTest
	@MethodSource("negatives")
	void letsLookalikesPass(String text) {
		assertThat(PII.find(text, 0)).as(text).isEmpty();
	}

	@Test
	void entropyFindsRandomTokensAndLetsHashesUuidsAndDataPass() {
		String token = alnum(32, 99);
		assertThat(SECRETS.find("the token is " + token + " ok", 0)).singleElement()
			.satisfies(hit -> assertThat(hit.rule().name()).isEqualTo("high-entropy"));
		String benign = String.join("\n", "commit " + hex(40, 1), "id 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
				"\"integrity\": \"sha512-" + base64(86, 2) + "==\"", "data:image/png;base64," + base64(2000, 3),
				"AbstractSingletonProxyFactoryBean", "Pneumonoultramicroscopicsilicovolcanoconiosis",
				"sha256:" + hex(64, 4));
		assertThat(SECRETS.find(benign, 0)).isEmpty();
	}

}
