package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one mapper of the translation code and the few tree helpers every codec uses. Numbers are read exactly
 * (big decimals), so a {@code temperature} of {@code 0.7} goes out as {@code 0.7}.
 */
public final class JsonTrees {

	public static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	static {
		// the tree deserializer is built on first use under a lock: here, at class loading, not on an event loop
		// where concurrent first requests would wait for each other
		MAPPER.readTree("{}");
	}

	private JsonTrees() {
	}

	public static ObjectNode object() {
		return MAPPER.createObjectNode();
	}

	public static ArrayNode array() {
		return MAPPER.createArrayNode();
	}

	/** {@code bytes} as a JSON object, or {@code null} when they are not one. */
	public static @Nullable ObjectNode parseObject(byte[] bytes) {
		try {
			JsonNode node = MAPPER.readTree(bytes);
			return (node instanceof ObjectNode object) ? object : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** {@code text} as a JSON object, or {@code null} when it is not one. */
	public static @Nullable ObjectNode parseObject(String text) {
		return parseObject(text.getBytes(StandardCharsets.UTF_8));
	}

	/** {@code text} as any JSON value, or {@code null} when it is not JSON. */
	public static @Nullable JsonNode parse(String text) {
		try {
			return MAPPER.readTree(text);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	public static byte[] bytes(JsonNode node) {
		return MAPPER.writeValueAsBytes(node);
	}

	public static String text(JsonNode node) {
		return MAPPER.writeValueAsString(node);
	}

	/** The string at {@code field}, or {@code null} when it is absent, null or not a string. */
	public static @Nullable String string(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

	/** The string at {@code field} when it is a non-empty string, else {@code null}. */
	public static @Nullable String nonEmpty(JsonNode node, String field) {
		String value = string(node, field);
		return (value == null || value.isEmpty()) ? null : value;
	}

	/** Whether {@code field} is present and not JSON {@code null}. */
	public static boolean present(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return value != null && !value.isNull();
	}

}
