package dev.switchboard.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Tells the client's address for a key's {@code ip-allow}: the peer the server sees, or, when that peer is one of
 * {@code switchboard.trusted-proxies}, the address {@code X-Forwarded-For} names. The header is read from the right,
 * skipping the trusted proxies, so the first address not among them is the client: whatever a client writes into the
 * header itself stays to the left of what its first trusted proxy appended, and is never believed. A malformed entry
 * stops the walk at the last trusted hop.
 */
public final class ClientAddresses {

	static final String X_FORWARDED_FOR = "X-Forwarded-For";

	private static final ClientAddresses DIRECT = new ClientAddresses(IpRanges.none());

	private final IpRanges trustedProxies;

	private ClientAddresses(IpRanges trustedProxies) {
		this.trustedProxies = trustedProxies;
	}

	/** No trusted proxy: the peer is the client, and {@code X-Forwarded-For} is ignored. */
	public static ClientAddresses direct() {
		return DIRECT;
	}

	/**
	 * @param trustedProxies CIDRs of the proxies whose {@code X-Forwarded-For} is believed
	 * @throws IllegalArgumentException naming an entry that is not a CIDR
	 */
	public static ClientAddresses trusting(List<String> trustedProxies) {
		return trustedProxies.isEmpty() ? DIRECT : new ClientAddresses(IpRanges.parse(trustedProxies));
	}

	/** The client's address, or {@code null} when the server does not know its peer. */
	public @Nullable InetAddress clientOf(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		if (peer == null || this.trustedProxies.isEmpty() || !this.trustedProxies.contains(peer)) {
			return peer;
		}
		List<String> forwarded = request.getHeaders().get(X_FORWARDED_FOR);
		if (forwarded == null || forwarded.isEmpty()) {
			return peer;
		}
		InetAddress client = peer;
		// several header lines are one list, in order
		for (int line = forwarded.size() - 1; line >= 0; line--) {
			String[] hops = forwarded.get(line).split(",");
			for (int i = hops.length - 1; i >= 0; i--) {
				InetAddress hop = IpRanges.literal(hops[i]);
				if (hop == null) {
					return client;
				}
				client = hop;
				if (!this.trustedProxies.contains(hop)) {
					return hop;
				}
			}
		}
		return client;
	}

	/** The trusted proxies as configured. */
	public List<String> trustedProxies() {
		return this.trustedProxies.cidrs();
	}

}
