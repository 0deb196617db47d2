package dev.switchboard.auth;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.support.LimitsSpec;

/**
 * What a key may do, as its owner wrote it: the role, the scopes (each {@code null} for "no restriction"), expiry,
 * BYO, and the limits, guardrails and metadata that other capabilities read. The same description serves the keys of
 * {@code switchboard.auth.keys} and the keys of the admin API; {@link #compile} turns it into the {@link GatewayKey}
 * the request path checks.
 * <p>
 * {@code limits} is kept in the neutral {@link LimitsSpec} the quota capability compiles, checked by the same rules
 * as configured limits; {@code guardrails} as the JSON list of names it was given, for the guardrails capability.
 *
 * @param role what the key may do beyond its scopes
 * @param models model names or globs, or {@code null} for every model
 * @param endpoints path patterns, or {@code null} for every path
 * @param providers provider ids, or {@code null} for every provider
 * @param ipAllow CIDRs, or {@code null} for any address
 * @param expiresAt when the key stops working, or {@code null}
 * @param byo whether the key may bring its own provider credential
 * @param limits the quota's limits of this key, or {@code null} for none
 * @param guardrails names of guardrails applied to this key's requests, or {@code null}
 * @param metadata the owner's free-form JSON object, or {@code null}
 */
public record KeySpec(Role role, @Nullable List<String> models, @Nullable List<String> endpoints,
		@Nullable List<String> providers, @Nullable List<String> ipAllow, @Nullable Instant expiresAt, boolean byo,
		@Nullable LimitsSpec limits, @Nullable JsonNode guardrails, @Nullable JsonNode metadata) {

	/** The fields of a key's description, as JSON and YAML name them. */
	public static final Set<String> FIELDS = Set.of("role", "models", "endpoints", "providers", "ip-allow",
			"expires-at", "byo", "limits", "guardrails", "metadata");

	/** A key name: what logs and metrics show in its place. */
	public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private static final Pattern PROVIDER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	/** A user key with no restriction. */
	public static final KeySpec DEFAULT = new KeySpec(Role.USER, null, null, null, null, null, false, null, null, null);

	public KeySpec {
		models = copy(models);
		endpoints = copy(endpoints);
		providers = copy(providers);
		ipAllow = copy(ipAllow);
	}

	/** This description with another role. */
	public KeySpec withRole(Role next) {
		return new KeySpec(next, this.models, this.endpoints, this.providers, this.ipAllow, this.expiresAt, this.byo,
				this.limits, this.guardrails, this.metadata);
	}

	/**
	 * This description with the fields {@code changes} names replaced: a field given as {@code null} is cleared (back
	 * to no restriction). Everything is checked before anything is used, so an invalid change changes nothing.
	 * @throws KeyValidationException naming the first field that is unknown or invalid
	 */
	public KeySpec with(ObjectNode changes) {
		Role role = this.role;
		List<String> models = this.models;
		List<String> endpoints = this.endpoints;
		List<String> providers = this.providers;
		List<String> ipAllow = this.ipAllow;
		Instant expiresAt = this.expiresAt;
		boolean byo = this.byo;
		LimitsSpec limits = this.limits;
		JsonNode guardrails = this.guardrails;
		JsonNode metadata = this.metadata;
		for (Map.Entry<String, JsonNode> field : changes.properties()) {
			String name = field.getKey();
			JsonNode value = field.getValue();
			switch (name) {
				case "role" -> role = role(value);
				case "models" -> models = strings(name, value);
				case "endpoints" -> endpoints = strings(name, value);
				case "providers" -> providers = strings(name, value);
				case "ip-allow" -> ipAllow = strings(name, value);
				case "expires-at" -> expiresAt = instant(value);
				case "byo" -> byo = bool(name, value);
				case "limits" -> limits = limits(value);
				case "guardrails" -> guardrails = guardrails(value);
				case "metadata" -> metadata = object(name, value);
				default -> throw new KeyValidationException(name, "Unknown field '" + name + "'; a key has "
						+ String.join(", ", new java.util.TreeSet<>(FIELDS)) + ".");
			}
		}
		KeySpec next = new KeySpec(role, models, endpoints, providers, ipAllow, expiresAt, byo, limits, guardrails,
				metadata);
		next.compile("check");
		return next;
	}

	/**
	 * The {@code limits} block of a key, checked as configured limits are ({@link LimitsSpec#problems()}); an empty
	 * block is no limits. Replaced whole by a change, never merged: what a key's limits are is what was last given.
	 */
	private static @Nullable LimitsSpec limits(JsonNode value) {
		if (value.isNull()) {
			return null;
		}
		LimitsSpec limits;
		try {
			limits = LimitsSpec.fromJson(value);
		}
		catch (LimitsSpec.Invalid ex) {
			String field = ex.field().isEmpty() ? "limits" : "limits." + ex.field();
			throw new KeyValidationException(field, "'" + field + "' " + ex.getMessage());
		}
		List<LimitsSpec.Problem> problems = limits.problems();
		if (!problems.isEmpty()) {
			LimitsSpec.Problem first = problems.get(0);
			throw new KeyValidationException("limits." + first.field(), "limits." + first.message() + ".");
		}
		return limits.isEmpty() ? null : limits;
	}

	/**
	 * The key the request path checks.
	 * @throws KeyValidationException naming the first invalid field
	 */
	public GatewayKey compile(String name) {
		each("models", this.models, glob -> {
			if (glob.isBlank()) {
				throw new IllegalArgumentException("A model glob must not be empty.");
			}
		});
		each("endpoints", this.endpoints, pattern -> EndpointPolicy.of(List.of(pattern)));
		each("providers", this.providers, id -> {
			if (!PROVIDER_ID.matcher(id).matches()) {
				throw new IllegalArgumentException("'" + id + "' is not a provider id.");
			}
		});
		each("ip-allow", this.ipAllow, cidr -> IpRanges.parse(List.of(cidr)));
		return new GatewayKey(name, (this.models != null) ? ModelPolicy.of(this.models) : ModelPolicy.any(), this.role,
				(this.endpoints != null) ? EndpointPolicy.of(this.endpoints) : EndpointPolicy.any(),
				(this.providers != null) ? Set.copyOf(new LinkedHashSet<>(this.providers)) : null,
				(this.ipAllow != null) ? IpRanges.parse(this.ipAllow) : null, this.expiresAt, this.byo,
				guardrailNames(), this.limits);
	}

	/** {@code names} as the JSON list a description keeps, or {@code null} for none. */
	public static @Nullable JsonNode names(@Nullable List<String> names) {
		if (names == null || names.isEmpty()) {
			return null;
		}
		var array = JsonNodeFactory.instance.arrayNode();
		names.forEach(array::add);
		return array;
	}

	/** The names in {@code guardrails}, in order; none when it is unset. */
	public List<String> guardrailNames() {
		List<String> names = new ArrayList<>();
		if (this.guardrails != null) {
			this.guardrails.forEach(name -> names.add(name.asString()));
		}
		return names;
	}

	/** Checks each value of a list field, so that the error names the one at fault ({@code ip-allow[1]}). */
	private static void each(String field, @Nullable List<String> values, Consumer<String> check) {
		if (values == null) {
			return;
		}
		for (int i = 0; i < values.size(); i++) {
			try {
				check.accept(values.get(i));
			}
			catch (IllegalArgumentException ex) {
				throw new KeyValidationException(field + "[" + i + "]", ex.getMessage());
			}
		}
	}

	/** The description as JSON, every field present ({@code null} where unrestricted). */
	public ObjectNode toJson(ObjectNode out) {
		out.put("role", this.role.wireName());
		putList(out, "models", this.models);
		putList(out, "endpoints", this.endpoints);
		putList(out, "providers", this.providers);
		putList(out, "ip-allow", this.ipAllow);
		if (this.expiresAt != null) {
			out.put("expires-at", this.expiresAt.toString());
		}
		else {
			out.putNull("expires-at");
		}
		out.put("byo", this.byo);
		out.set("limits", (this.limits != null) ? this.limits.toJson() : JsonNodeFactory.instance.nullNode());
		out.set("guardrails", (this.guardrails != null) ? this.guardrails : JsonNodeFactory.instance.nullNode());
		out.set("metadata", (this.metadata != null) ? this.metadata : JsonNodeFactory.instance.nullNode());
		return out;
	}

	private static void putList(ObjectNode out, String name, @Nullable List<String> values) {
		if (values == null) {
			out.putNull(name);
			return;
		}
		var array = out.putArray(name);
		values.forEach(array::add);
	}

	private static Role role(JsonNode value) {
		Role role = value.isString() ? Role.of(value.asString()) : null;
		if (role == null) {
			throw new KeyValidationException("role", "Unknown role " + value + "; a role is one of " + Role.names() + ".");
		}
		return role;
	}

	private static @Nullable List<String> strings(String field, JsonNode value) {
		if (value.isNull()) {
			return null;
		}
		if (!value.isArray()) {
			throw new KeyValidationException(field, "'" + field + "' must be a list of strings, or null for no restriction.");
		}
		List<String> out = new ArrayList<>(value.size());
		for (int i = 0; i < value.size(); i++) {
			JsonNode item = value.get(i);
			if (!item.isString()) {
				throw new KeyValidationException(field + "[" + i + "]", "'" + field + "' must hold strings only.");
			}
			out.add(item.asString());
		}
		return out;
	}

	private static @Nullable Instant instant(JsonNode value) {
		if (value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new KeyValidationException("expires-at", "'expires-at' must be an ISO-8601 instant such as 2026-12-31T18:00:00Z.");
		}
		return instant(value.asString());
	}

	/**
	 * An ISO-8601 instant ({@code 2026-12-31T18:00:00Z}, or with an offset).
	 * @throws KeyValidationException for anything else
	 */
	public static Instant instant(String text) {
		try {
			return java.time.OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new KeyValidationException("expires-at", "'" + text
					+ "' is not an ISO-8601 instant such as 2026-12-31T18:00:00Z.");
		}
	}

	private static boolean bool(String field, JsonNode value) {
		if (!value.isBoolean()) {
			throw new KeyValidationException(field, "'" + field + "' must be true or false.");
		}
		return value.booleanValue();
	}

	private static @Nullable JsonNode object(String field, JsonNode value) {
		if (value.isNull()) {
			return null;
		}
		if (!value.isObject()) {
			throw new KeyValidationException(field, "'" + field + "' must be a JSON object, or null.");
		}
		return value;
	}

	private static @Nullable JsonNode guardrails(JsonNode value) {
		List<String> names = strings("guardrails", value);
		if (names == null) {
			return null;
		}
		return value;
	}

	private static @Nullable List<String> copy(@Nullable List<String> values) {
		return (values != null) ? List.copyOf(values) : null;
	}

}
