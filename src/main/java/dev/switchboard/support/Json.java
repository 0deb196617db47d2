package dev.switchboard.support;

import org.jspecify.annotations.Nullable;

/**
 * Writes JSON string literals by hand, for the few small documents the gateway builds on the request path (errors,
 * model lists, mock completions) where a full object mapper would cost more than the document.
 */
public final class Json {

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private static final tools.jackson.core.json.JsonFactory FACTORY = tools.jackson.core.json.JsonFactory.builder()
		.build();

	private Json() {
	}

	/** Appends {@code value} as a quoted, escaped JSON string; {@code null} becomes {@code null}. */
	public static StringBuilder appendString(StringBuilder out, @Nullable String value) {
		if (value == null) {
			return out.append("null");
		}
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> {
					if (c < 0x20) {
						out.append("\\u00").append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.append('"');
	}

	/** A streaming parser over {@code bytes}, from the one factory the gateway's request-path parsing shares. */
	public static tools.jackson.core.JsonParser parser(byte[] bytes) {
		return FACTORY.createParser(tools.jackson.core.ObjectReadContext.empty(), bytes);
	}

	/** Whether {@code bytes} hold one complete, well-formed JSON value (a streaming scan: no tree is built). */
	public static boolean isValid(byte[] bytes) {
		try (tools.jackson.core.JsonParser parser = parser(bytes)) {
			if (parser.nextToken() == null) {
				return false;
			}
			parser.skipChildren();
			return parser.nextToken() == null;
		}
		catch (tools.jackson.core.JacksonException ex) {
			return false;
		}
	}

	/** The quoted, escaped JSON form of {@code value}. */
	public static String quote(String value) {
		return appendString(new StringBuilder(value.length() + 8), value).toString();
	}

}
