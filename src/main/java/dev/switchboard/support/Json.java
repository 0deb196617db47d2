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

	/**
	 * Checks a JSON answer and reads its token usage in the same streaming scan that {@link #isValid} makes: the
	 * top-level {@code usage} object's {@code prompt_tokens} / {@code input_tokens} and {@code completion_tokens} /
	 * {@code output_tokens} (OpenAI chat and embeddings, the Responses API, Anthropic), or Gemini's top-level
	 * {@code usageMetadata} ({@code promptTokenCount}, {@code candidatesTokenCount} plus {@code thoughtsTokenCount}).
	 * No tree is built and nothing else is read.
	 * @return {@code null} when {@code bytes} are not one complete, well-formed JSON value; else the usage, or
	 * {@link TokenUsage#UNKNOWN}
	 */
	public static @Nullable TokenUsage usageIfValid(byte[] bytes) {
		try (tools.jackson.core.JsonParser parser = parser(bytes)) {
			tools.jackson.core.JsonToken first = parser.nextToken();
			if (first == null) {
				return null;
			}
			TokenUsage usage = TokenUsage.UNKNOWN;
			if (first == tools.jackson.core.JsonToken.START_OBJECT) {
				while (parser.nextToken() == tools.jackson.core.JsonToken.PROPERTY_NAME) {
					String name = parser.currentName();
					tools.jackson.core.JsonToken value = parser.nextToken();
					if ("usage".equals(name) && value == tools.jackson.core.JsonToken.START_OBJECT) {
						usage = usage(parser);
					}
					else if ("usageMetadata".equals(name) && value == tools.jackson.core.JsonToken.START_OBJECT) {
						usage = geminiUsage(parser);
					}
					else {
						parser.skipChildren();
					}
				}
			}
			else {
				parser.skipChildren();
			}
			return (parser.nextToken() == null) ? usage : null;
		}
		catch (tools.jackson.core.JacksonException ex) {
			return null;
		}
	}

	/**
	 * Reads a {@code usage} object, the parser on its start; leaves the parser on its end. Knows OpenAI's
	 * ({@code prompt_tokens_details.cached_tokens}, {@code completion_tokens_details.reasoning_tokens}), the Responses
	 * API's ({@code input_tokens_details}, {@code output_tokens_details}) and Anthropic's cache counts.
	 */
	public static TokenUsage usage(tools.jackson.core.JsonParser parser) {
		long input = -1;
		long output = -1;
		long cached = 0;
		long reasoning = 0;
		long cacheRead = 0;
		long cacheCreation = 0;
		while (parser.nextToken() == tools.jackson.core.JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			tools.jackson.core.JsonToken value = parser.nextToken();
			if (value == tools.jackson.core.JsonToken.VALUE_NUMBER_INT) {
				switch (name) {
					case "prompt_tokens", "input_tokens" -> input = parser.getLongValue();
					case "completion_tokens", "output_tokens" -> output = parser.getLongValue();
					case "cache_read_input_tokens" -> cacheRead = parser.getLongValue();
					case "cache_creation_input_tokens" -> cacheCreation = parser.getLongValue();
					default -> {
					}
				}
			}
			else if (value == tools.jackson.core.JsonToken.START_OBJECT
					&& (name.equals("prompt_tokens_details") || name.equals("input_tokens_details"))) {
				cached = Math.max(cached, detail(parser, "cached_tokens"));
			}
			else if (value == tools.jackson.core.JsonToken.START_OBJECT
					&& (name.equals("completion_tokens_details") || name.equals("output_tokens_details"))) {
				reasoning = Math.max(reasoning, detail(parser, "reasoning_tokens"));
			}
			else {
				parser.skipChildren();
			}
		}
		if (cacheRead > 0 || cacheCreation > 0) {
			// Anthropic's input_tokens leaves out what was read from or written to its prompt cache
			input = Math.max(0, input) + cacheRead + cacheCreation;
			cached = cacheRead;
		}
		return new TokenUsage(input, output, cached, reasoning, false);
	}

	/**
	 * Reads Gemini's {@code usageMetadata}, the parser on its start; leaves the parser on its end. Its
	 * {@code candidatesTokenCount} leaves out the thinking ({@code thoughtsTokenCount}), which is billed as output.
	 */
	public static TokenUsage geminiUsage(tools.jackson.core.JsonParser parser) {
		long input = -1;
		long candidates = -1;
		long thoughts = 0;
		long cached = 0;
		while (parser.nextToken() == tools.jackson.core.JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			tools.jackson.core.JsonToken value = parser.nextToken();
			if (value == tools.jackson.core.JsonToken.VALUE_NUMBER_INT) {
				switch (name) {
					case "promptTokenCount" -> input = parser.getLongValue();
					case "candidatesTokenCount" -> candidates = parser.getLongValue();
					case "thoughtsTokenCount" -> thoughts = parser.getLongValue();
					case "cachedContentTokenCount" -> cached = parser.getLongValue();
					default -> {
					}
				}
			}
			else {
				parser.skipChildren();
			}
		}
		// thoughts count as output, as OpenAI counts reasoning
		long output = (candidates < 0) ? -1 : candidates + thoughts;
		return new TokenUsage(input, output, cached, thoughts, false);
	}

	/** The integer {@code field} of the object the parser is on, 0 when absent; leaves the parser on its end. */
	private static long detail(tools.jackson.core.JsonParser parser, String field) {
		long found = 0;
		while (parser.nextToken() == tools.jackson.core.JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			tools.jackson.core.JsonToken value = parser.nextToken();
			if (value == tools.jackson.core.JsonToken.VALUE_NUMBER_INT && name.equals(field)) {
				found = parser.getLongValue();
			}
			else {
				parser.skipChildren();
			}
		}
		return found;
	}

	/** The quoted, escaped JSON form of {@code value}. */
	public static String quote(String value) {
		return appendString(new StringBuilder(value.length() + 8), value).toString();
	}

}
