package dev.switchboard.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * A list of IPv4 and IPv6 CIDR ranges ({@code 10.0.0.0/8}, {@code 2001:db8::/32}; a bare address is its own /32 or
 * /128), matched with Netty's {@link IpSubnetFilterRule}. Only literal addresses are accepted: a host name would need
 * a DNS lookup, which is blocking and would make the list mean something else tomorrow. An IPv4-mapped IPv6 address
 * ({@code ::ffff:10.1.2.3}) is the IPv4 address it maps, as the JDK reads it.
 */
public final class IpRanges {

	private static final IpRanges NONE = new IpRanges(List.of(), List.of());

	private final List<IpSubnetFilterRule> rules;

	private final List<String> cidrs;

	private IpRanges(List<IpSubnetFilterRule> rules, List<String> cidrs) {
		this.rules = rules;
		this.cidrs = cidrs;
	}

	/** The empty list: matches nothing. */
	public static IpRanges none() {
		return NONE;
	}

	/**
	 * Parses {@code cidrs}.
	 * @throws IllegalArgumentException naming the first entry that is not a literal address with an optional prefix
	 * length that fits it
	 */
	public static IpRanges parse(List<String> cidrs) {
		List<IpSubnetFilterRule> rules = new ArrayList<>(cidrs.size());
		for (String cidr : cidrs) {
			rules.add(rule(cidr));
		}
		return new IpRanges(List.copyOf(rules), List.copyOf(cidrs));
	}

	private static IpSubnetFilterRule rule(@Nullable String cidr) {
		if (cidr == null || cidr.isBlank()) {
			throw new IllegalArgumentException("an empty CIDR");
		}
		String text = cidr.trim();
		int slash = text.indexOf('/');
		String address = (slash < 0) ? text : text.substring(0, slash);
		InetAddress inet = literal(address);
		if (inet == null) {
			throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 or IPv6 CIDR (such as 10.0.0.0/8 or 2001:db8::/32)");
		}
		int max = (inet.getAddress().length == 4) ? 32 : 128;
		int prefix = max;
		if (slash >= 0) {
			try {
				prefix = Integer.parseInt(text.substring(slash + 1));
			}
			catch (NumberFormatException ex) {
				prefix = -1;
			}
			if (prefix < 0 || prefix > max) {
				throw new IllegalArgumentException("'" + cidr + "': the prefix length must be 0 to " + max);
			}
		}
		return new IpSubnetFilterRule(inet, prefix, IpFilterRuleType.ACCEPT);
	}

	/** {@code text} as an address when it is a literal IPv4 or IPv6 address, else {@code null}; never a DNS lookup. */
	static @Nullable InetAddress literal(String text) {
		String address = text.trim();
		if (address.startsWith("[") && address.endsWith("]")) {
			address = address.substring(1, address.length() - 1);
		}
		byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
		if (bytes == null) {
			return null;
		}
		try {
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	public boolean contains(InetAddress address) {
		InetSocketAddress socket = new InetSocketAddress(address, 0);
		for (IpSubnetFilterRule rule : this.rules) {
			if (rule.matches(socket)) {
				return true;
			}
		}
		return false;
	}

	public boolean isEmpty() {
		return this.rules.isEmpty();
	}

	/** The ranges as they were given. */
	public List<String> cidrs() {
		return this.cidrs;
	}

	@Override
	public String toString() {
		return this.cidrs.toString();
	}

}
