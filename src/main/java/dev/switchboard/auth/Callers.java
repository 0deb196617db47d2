package dev.switchboard.auth;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayException;

/**
 * Who is calling: the gateway key a request presents ({@code Authorization: Bearer K}, {@code x-api-key: K},
 * {@code x-goog-api-key: K}, or on the Gemini endpoints {@code ?key=K}),
 * found among the configured keys of the request's snapshot and the API keys in memory (one digest, one hash lookup
 * in each), then checked for expiry and the client's address. The same answer for the AI path, the actuator guard and
 * the admin API.
 * <p>
 * When both headers carry something, {@code Authorization} is tried first and {@code x-api-key} second: on
 * {@code /proxy/openai/**} a BYO key sends the gateway key in one and the provider's own credential in the other.
 */
public final class Callers {

	static final String X_API_KEY = "x-api-key";

	/** Where Google's Gemini clients send their key. */
	static final String X_GOOG_API_KEY = "x-goog-api-key";

	private static final String BEARER = "Bearer ";

	private final ApiKeys apiKeys;

	private final LastUsed lastUsed;

	public Callers(ApiKeys apiKeys, LastUsed lastUsed) {
		this.apiKeys = apiKeys;
		this.lastUsed = lastUsed;
	}

	/**
	 * The caller of {@code request}, checked.
	 * @throws GatewayException {@code 401 invalid_api_key} (no key, an unknown or revoked one), {@code 401 key_expired},
	 * {@code 403 ip_not_allowed}, or {@code 503 state_unavailable} for an API key while the shared store is down and
	 * {@code on-unavailable} is {@code deny}
	 */
	public Caller authenticate(ServerHttpRequest request, RuntimeConfig config) {
		return authenticate(request, config, false, false);
	}

	/**
	 * The caller of {@code request}, checked, as {@link #authenticate(ServerHttpRequest, RuntimeConfig)}.
	 * @param eitherHeader whether {@code x-api-key} is tried when {@code Authorization} carries no key (passthrough)
	 * @param queryKey whether {@code ?key=K} counts when no header carries a key (Google's clients on the Gemini
	 * endpoints put it there; it never goes upstream, which gets its own URL)
	 */
	public Caller authenticate(ServerHttpRequest request, RuntimeConfig config, boolean eitherHeader,
			boolean queryKey) {
		HttpHeaders headers = request.getHeaders();
		String bearer = bearer(headers);
		String apiKey = nonBlank(headers.getFirst(X_API_KEY));
		String header = (bearer != null) ? HttpHeaders.AUTHORIZATION : X_API_KEY;
		String presented = (bearer != null) ? bearer : apiKey;
		if (presented == null) {
			presented = nonBlank(headers.getFirst(X_GOOG_API_KEY));
			header = X_GOOG_API_KEY;
		}
		if (presented == null && queryKey) {
			presented = nonBlank(request.getQueryParams().getFirst("key"));
			header = "?key";
		}
		if (presented == null) {
			throw new GatewayException(ErrorCode.INVALID_API_KEY, "No gateway key was sent: use 'Authorization: Bearer "
					+ "<key>', 'x-api-key: <key>' or, for the Gemini API, 'x-goog-api-key: <key>'.");
		}
		GatewayKey key = find(presented, config);
		if (key == null && eitherHeader && bearer != null && apiKey != null) {
			key = find(apiKey, config);
			header = X_API_KEY;
		}
		if (key == null) {
			if (!this.apiKeys.usable() && (startsApiKey(presented) || startsApiKey(apiKey))) {
				throw stateUnavailable();
			}
			throw new GatewayException(ErrorCode.INVALID_API_KEY, "The gateway key is not valid.");
		}
		if (config.keys().record(key.name()) == null && !this.apiKeys.usable()) {
			throw stateUnavailable();
		}
		check(key, request, config);
		this.lastUsed.touch(key.name());
		return new Caller(key, header);
	}

	/** The key's expiry and address checks. */
	private static void check(GatewayKey key, ServerHttpRequest request, RuntimeConfig config) {
		if (key.expiresAt() != null && !Instant.now().isBefore(key.expiresAt())) {
			throw new GatewayException(ErrorCode.KEY_EXPIRED, "The gateway key expired at " + key.expiresAt() + ".");
		}
		if (key.ipAllow() != null) {
			InetAddress client = config.clientAddresses().clientOf(request);
			if (client == null || !key.ipAllow().contains(client)) {
				throw new GatewayException(ErrorCode.IP_NOT_ALLOWED, "This gateway key may not be used from "
						+ ((client != null) ? client.getHostAddress() : "an unknown address") + ".");
			}
		}
	}

	/**
	 * The key {@code presented} belongs to, unchecked, or {@code null}. An API key ({@code sk-sb-...}) is looked up
	 * among the API keys first, any other among the configured ones first, so either kind costs one hash lookup.
	 */
	private @Nullable GatewayKey find(String presented, RuntimeConfig config) {
		byte[] digest = KeyRegistry.sha256(presented);
		String hex = HexFormat.of().formatHex(digest);
		boolean api = presented.startsWith(KeyGenerator.PREFIX);
		GatewayKey key = api ? this.apiKeys.index().find(digest, hex) : config.keys().find(digest, hex);
		if (key == null) {
			key = api ? config.keys().find(digest, hex) : this.apiKeys.index().find(digest, hex);
		}
		return key;
	}

	private static GatewayException stateUnavailable() {
		return new GatewayException(ErrorCode.STATE_UNAVAILABLE,
				"The gateway's shared key store is unreachable and API keys are refused until it is back.");
	}

	private static boolean startsApiKey(@Nullable String presented) {
		return presented != null && presented.startsWith(KeyGenerator.PREFIX);
	}

	private static @Nullable String nonBlank(@Nullable String key) {
		return (key != null && !key.isBlank()) ? key.trim() : null;
	}

	private static @Nullable String bearer(HttpHeaders headers) {
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			String key = authorization.substring(BEARER.length()).trim();
			if (!key.isEmpty()) {
				return key;
			}
		}
		return null;
	}

	/**
	 * An authenticated caller.
	 *
	 * @param key the caller's key
	 * @param header the request header that carried it ({@code Authorization}, {@code x-api-key},
	 * {@code x-goog-api-key}), or {@code ?key} for the query
	 */
	public record Caller(GatewayKey key, String header) {
	}

}
