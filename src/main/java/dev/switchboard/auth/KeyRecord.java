package dev.switchboard.auth;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.support.KeySpend;

/**
 * One gateway key as the admin API shows it and the key store keeps it: its name, the SHA-256 of the key (never the
 * key), the last four characters for people to tell keys apart, and its description. After a rotation with a grace
 * period the previous key's digest stays valid until {@code previousUntil}.
 *
 * @param name unique across configuration and API keys
 * @param sha256 the key's SHA-256, 64 lowercase hex digits
 * @param last4 the key's last four characters, or {@code null} for a configured key given only by its digest
 * @param spec what the key may do
 * @param source {@code api} or {@code config}
 * @param createdAt when it was issued (for a configured key: when this gateway read its configuration)
 * @param updatedAt when it last changed
 * @param previousSha256 the digest of the key it replaced in a rotation, while its grace period lasts
 * @param previousUntil the end of that grace period
 */
public record KeyRecord(String name, String sha256, @Nullable String last4, KeySpec spec, String source,
		Instant createdAt, Instant updatedAt, @Nullable String previousSha256, @Nullable Instant previousUntil) {

	public static final String API = "api";

	public static final String CONFIG = "config";

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	/** The first 12 hex digits of the key's SHA-256: an id that is safe to show and to log. */
	public String id() {
		return this.sha256.substring(0, 12);
	}

	public boolean fromConfig() {
		return CONFIG.equals(this.source);
	}

	/**
	 * The record the admin API shows: never a key and never a digest beyond its {@link #id()}.
	 * @param spend this period's spend of its budget, or {@code null} without a budget (or when it could not be read)
	 */
	public ObjectNode toView(@Nullable Instant lastUsedAt, KeySpend.@Nullable Spend spend) {
		ObjectNode out = MAPPER.createObjectNode();
		out.put("name", this.name);
		out.put("id", id());
		out.put("last4", this.last4);
		this.spec.toJson(out);
		out.put("source", this.source);
		out.put("created-at", this.createdAt.toString());
		out.put("last-used-at", (lastUsedAt != null) ? lastUsedAt.toString() : null);
		out.set("spend", (spend != null) ? spend.toJson() : out.nullNode());
		if (this.previousUntil != null) {
			out.put("previous-valid-until", this.previousUntil.toString());
		}
		return out;
	}

	/** The record as the key store keeps it. */
	public ObjectNode toStored() {
		ObjectNode out = MAPPER.createObjectNode();
		out.put("name", this.name);
		out.put("sha256", this.sha256);
		out.put("last4", this.last4);
		this.spec.toJson(out.putObject("spec"));
		out.put("created-at", this.createdAt.toString());
		out.put("updated-at", this.updatedAt.toString());
		out.put("previous-sha256", this.previousSha256);
		out.put("previous-until", (this.previousUntil != null) ? this.previousUntil.toString() : null);
		return out;
	}

	/** A record the key store kept. */
	public static KeyRecord fromStored(JsonNode stored) {
		KeySpec spec = KeySpec.DEFAULT.with((ObjectNode) stored.required("spec"));
		return new KeyRecord(stored.required("name").asString(), stored.required("sha256").asString(),
				text(stored, "last4"), spec, API, Instant.parse(stored.required("created-at").asString()),
				Instant.parse(stored.required("updated-at").asString()), text(stored, "previous-sha256"),
				(text(stored, "previous-until") != null) ? Instant.parse(text(stored, "previous-until")) : null);
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	/** This record with another description. */
	public KeyRecord withSpec(KeySpec next, Instant now) {
		return new KeyRecord(this.name, this.sha256, this.last4, next, this.source, this.createdAt, now,
				this.previousSha256, this.previousUntil);
	}

	/** The name and the id only: records end up in logs and debuggers. */
	@Override
	public String toString() {
		return "KeyRecord[" + this.name + ", id=" + id() + ", " + this.source + "]";
	}

}
