package dev.switchboard.auth;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientAddressesTests {

	private static final ClientAddresses TRUSTING = ClientAddresses.trusting(List.of("10.0.0.0/8", "fd00::/8"));

	@Test
	void believesXForwardedForOnlyFromATrustedPeer() {
		assertThat(client(TRUSTING, "10.1.1.1", "203.0.113.7")).isEqualTo("203.0.113.7");
		assertThat(client(TRUSTING, "198.51.100.1", "203.0.113.7")).as("an untrusted peer").isEqualTo("198.51.100.1");
		assertThat(client(ClientAddresses.direct(), "10.1.1.1", "203.0.113.7")).as("no trusted proxy")
			.isEqualTo("10.1.1.1");
	}

	@Test
	void walksFromTheRightSkippingTrustedProxiesAndStopsAtGarbage() {
		assertThat(client(TRUSTING, "10.1.1.1", "1.2.3.4, 203.0.113.7, 10.9.9.9")).isEqualTo("203.0.113.7");
		assertThat(client(TRUSTING, "fd00::1", "2001:db8::5, fd00::2")).isEqualTo("2001:db8:0:0:0:0:0:5");
		assertThat(client(TRUSTING, "10.1.1.1", "203.0.113.7, not-an-ip, 10.2.2.2")).as("the last trusted hop")
			.isEqualTo("10.2.2.2");
		assertThat(client(TRUSTING, "10.1.1.1", "[2001:db8::9]")).isEqualTo("2001:db8:0:0:0:0:0:9");
	}

	@Test
	void matchesIpv4AndIpv6RangesAndMappedAddresses() {
		IpRanges ranges = IpRanges.parse(List.of("192.168.0.0/16", "2001:db8::/32", "203.0.113.5"));
		assertThat(ranges.contains(IpRanges.literal("192.168.44.1"))).isTrue();
		assertThat(ranges.contains(IpRanges.literal("::ffff:192.168.44.1"))).as("IPv4-mapped").isTrue();
		assertThat(ranges.contains(IpRanges.literal("2001:db8:ffff::1"))).isTrue();
		assertThat(ranges.contains(IpRanges.literal("2001:db9::1"))).isFalse();
		assertThat(ranges.contains(IpRanges.literal("203.0.113.5"))).isTrue();
		assertThat(ranges.contains(IpRanges.literal("203.0.113.6"))).isFalse();
		for (String bad : new String[] { "example.com", "10.0.0.0/33", "2001:db8::/129", "10.0.0/8", "", "1.2.3.4/x" }) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> IpRanges.parse(List.of(bad)));
		}
	}

	private static String client(ClientAddresses addresses, String peer, String forwardedFor) {
		MockServerHttpRequest request = MockServerHttpRequest.get("/v1/models")
			.remoteAddress(new InetSocketAddress(IpRanges.literal(peer), 40000))
			.header("X-Forwarded-For", forwardedFor)
			.build();
		return addresses.clientOf(request).getHostAddress();
	}

}
