package dev.switchboard.dispatch;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

import dev.switchboard.support.GatewayHeaders;

/**
 * Which headers cross the gateway. Credentials never do in either direction: the client's gateway key stays here and
 * the provider key is added by the adapter. Hop-by-hop headers belong to one connection and are never forwarded.
 */
final class HeaderPolicy {

	/** Request headers that never go upstream. */
	private static final Set<String> NOT_FORWARDED = Set.of("authorization", "x-api-key", "api-key", "x-goog-api-key",
			"proxy-authorization", "cookie", "host", "connection", "keep-alive", "proxy-connection", "te", "trailer",
			"transfer-encoding", "upgrade", "http2-settings", "content-length", "content-type", "expect",
			// the gateway reads SSE to find event boundaries, so the upstream must not compress
			"accept-encoding",
			// the client's network identity is not the provider's business
			"forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port",
			"x-forwarded-prefix", "x-real-ip",
			// these select an account on the provider; the gateway's key decides that
			"openai-organization", "openai-project", GatewayHeaders.REQUEST_ID,
			// a BYO key's provider credential: auth takes it out, and it goes upstream only as the provider's own header
			GatewayHeaders.PROVIDER_API_KEY);

	/** Response headers that never reach the client. */
	private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "proxy-connection",
			"transfer-encoding", "upgrade", "trailer", "te", "set-cookie", "set-cookie2", "alt-svc",
			"openai-organization", "openai-project", GatewayHeaders.REQUEST_ID);

	/** The provider's own request id, returned under this name so it does not replace the gateway's. */
	static final String UPSTREAM_REQUEST_ID = "x-switchboard-upstream-request-id";

	private HeaderPolicy() {
	}

	/** The client's headers that may go upstream, plus the gateway's request id. */
	static HttpHeaders forwardable(org.springframework.http.HttpHeaders client, String requestId) {
		HttpHeaders out = new DefaultHttpHeaders();
		String connection = client.getFirst("connection");
		client.forEach((name, values) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			if (!NOT_FORWARDED.contains(lower) && !listedIn(connection, lower)) {
				out.add(name, values);
			}
		});
		out.set(GatewayHeaders.REQUEST_ID, requestId);
		return out;
	}

	/** Copies the upstream's response headers that may reach the client. */
	static void copyReturnable(HttpHeaders upstream, org.springframework.http.HttpHeaders response,
			boolean keepContentLength) {
		String connection = upstream.get("connection");
		Iterator<Map.Entry<String, String>> entries = upstream.iteratorAsString();
		while (entries.hasNext()) {
			Map.Entry<String, String> entry = entries.next();
			String lower = entry.getKey().toLowerCase(Locale.ROOT);
			if (lower.equals(GatewayHeaders.REQUEST_ID)) {
				response.add(UPSTREAM_REQUEST_ID, entry.getValue());
			}
			else if (!NOT_RETURNED.contains(lower) && !listedIn(connection, lower)
					&& (keepContentLength || !lower.equals("content-length"))) {
				response.add(entry.getKey(), entry.getValue());
			}
		}
	}

	/** Whether {@code name} is one of the tokens of a {@code Connection} header, which makes it hop-by-hop. */
	private static boolean listedIn(@Nullable String connection, String name) {
		if (connection == null) {
			return false;
		}
		for (String token : connection.split(",")) {
			if (token.trim().equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

}
