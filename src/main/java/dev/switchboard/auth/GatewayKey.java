package dev.switchboard.auth;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.switchboard.support.LimitsSpec;

/**
 * An authenticated caller: a key from configuration or one issued through {@code /admin/keys}, compiled once so that
 * every check on the request path is a field read or a small match.
 *
 * @param name the key's name, safe to log and to use as a metric tag (never the key)
 * @param models the models it may use
 * @param role what it may do beyond its scopes
 * @param endpoints the request paths it may call
 * @param providers the provider ids its requests may reach, or {@code null} for every provider
 * @param ipAllow the client addresses it may be used from, or {@code null} for any
 * @param expiresAt when it stops working, or {@code null} for never
 * @param byo whether it may bring its own provider credential ({@code x-provider-api-key})
 * @param guardrails names of the guardrails its requests get besides the global ones and their route's
 * @param limits its rate limits, concurrency and budget as written, for the quota slot to compile, or {@code null}
 * for none
 */
public record GatewayKey(String name, ModelPolicy models, Role role, EndpointPolicy endpoints,
		@Nullable Set<String> providers, @Nullable IpRanges ipAllow, @Nullable Instant expiresAt, boolean byo,
		List<String> guardrails, @Nullable LimitsSpec limits) {

	public GatewayKey {
		guardrails = List.copyOf(guardrails);
	}

	/** A key that is not an admin key. */
	public GatewayKey(String name, ModelPolicy models) {
		this(name, models, false);
	}

	/** A key with no scope but its models: an admin or a user. */
	public GatewayKey(String name, ModelPolicy models, boolean admin) {
		this(name, models, admin ? Role.ADMIN : Role.USER, EndpointPolicy.any(), null, null, null, false, List.of(),
				null);
	}

	/** Whether it may call {@code /admin/**}, actuator writes and {@code /actuator/gateway/**}. */
	public boolean admin() {
		return this.role == Role.ADMIN;
	}

	/** Whether its requests may reach provider {@code id}. */
	public boolean allowsProvider(String id) {
		return this.providers == null || this.providers.contains(id);
	}

}
