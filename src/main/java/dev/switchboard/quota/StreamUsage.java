package dev.switchboard.quota;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import dev.switchboard.support.Json;
import dev.switchboard.support.TokenUsage;

/**
 * Reads one stream's usage from its events in the client's wire format, and the text it produced (for an estimate
 * when the stream ends without usage): OpenAI's usage chunk (top-level {@code usage}), Anthropic's
 * {@code message_start} ({@code message.usage}) and {@code message_delta} ({@code usage}), the Responses API's
 * {@code response.completed} ({@code response.usage}), Gemini's {@code usageMetadata}. Counts seen more than once keep the largest (Anthropic's
 * output count is cumulative).
 * <p>
 * When the gateway asked an OpenAI-type upstream for usage the client did not ask for ({@code strip}), the usage
 * chunk is dropped and the {@code "usage"} member the other chunks then carry is cut out, so the client's bytes are
 * what they would have been without the question. Buffers without a {@code "usage"} member go through untouched.
 */
final class StreamUsage {

	/** Event bytes kept for an estimate; beyond them, bytes are counted at 4 to a token. */
	private static final int MAX_TEXT = 1 << 18;

	private static final ByteBuf USAGE_NEEDLE = Unpooled
		.unreleasableBuffer(Unpooled.wrappedBuffer("\"usage\"".getBytes(StandardCharsets.US_ASCII)));

	/** Gemini's stream chunks report {@code usageMetadata}. */
	private static final ByteBuf GEMINI_USAGE_NEEDLE = Unpooled
		.unreleasableBuffer(Unpooled.wrappedBuffer("\"usageMetadata\"".getBytes(StandardCharsets.US_ASCII)));

	private static final Pattern USAGE_MEMBER = Pattern.compile("(,\\s*)?\"usage\"\\s*:\\s*(null|\\{)(\\s*,)?");

	private final boolean strip;

	/**
	 * The events' bytes as they came (up to {@value #MAX_TEXT}), decoded and parsed for text only when usage is
	 * missing: most streams report usage, so the common case costs one copy per event, not a decode.
	 */
	private byte[] raw = new byte[0];

	private int rawLength;

	private long rawOverflow;

	private long input = -1;

	private long output = -1;

	private long cached;

	private long reasoning;

	StreamUsage(boolean strip) {
		this.strip = strip;
	}

	/**
	 * Reads {@code events} (one or more whole SSE events) and returns what goes to the client. Only events that name
	 * {@code "usage"} are parsed here; the others are kept as text, parsed only if the stream ends without usage.
	 */
	ByteBuf onEvents(ByteBuf events) {
		boolean hasUsage = ByteBufUtil.indexOf(USAGE_NEEDLE.duplicate(), events) >= 0
				|| ByteBufUtil.indexOf(GEMINI_USAGE_NEEDLE.duplicate(), events) >= 0;
		keepRaw(events);
		if (!hasUsage) {
			return events;
		}
		String all = events.toString(StandardCharsets.UTF_8);
		if (!this.strip) {
			forEachData(all, this::readUsage);
			return events;
		}
		StringBuilder kept = new StringBuilder(all.length());
		int start = 0;
		while (start < all.length()) {
			int end = eventEnd(all, start);
			String event = all.substring(start, end);
			String data = data(event);
			if (data != null) {
				readUsage(data);
			}
			if (data == null || !usageOnly(data)) {
				kept.append(withoutUsage(event));
			}
			start = end;
		}
		events.release();
		return Unpooled.wrappedBuffer(kept.toString().getBytes(StandardCharsets.UTF_8));
	}

	/** What the events reported; {@link TokenUsage#UNKNOWN} when they reported nothing. */
	TokenUsage reported() {
		if (this.input < 0 && this.output < 0) {
			return TokenUsage.UNKNOWN;
		}
		return new TokenUsage(this.input, this.output, this.cached, this.reasoning, false);
	}

	/** The text the stream produced so far (its kept events parsed now), for counting. */
	String text() {
		StringBuilder text = new StringBuilder();
		forEachData(new String(this.raw, 0, this.rawLength, StandardCharsets.UTF_8), data -> readText(data, text));
		return text.toString();
	}

	/** Tokens beyond the kept events, at 4 bytes of event text to a token (an overestimate: JSON included). */
	long overflowTokens() {
		return (this.rawOverflow + 3) / 4;
	}

	private void keepRaw(ByteBuf events) {
		int length = events.readableBytes();
		if (this.rawLength + length > MAX_TEXT) {
			this.rawOverflow += length;
			return;
		}
		if (this.rawLength + length > this.raw.length) {
			int grown = Math.max(this.raw.length * 2, this.rawLength + length + 1024);
			this.raw = java.util.Arrays.copyOf(this.raw, Math.min(MAX_TEXT, grown));
		}
		events.getBytes(events.readerIndex(), this.raw, this.rawLength, length);
		this.rawLength += length;
	}

	private static void forEachData(String all, Consumer<String> consumer) {
		int start = 0;
		while (start < all.length()) {
			int end = eventEnd(all, start);
			String data = data(all.substring(start, end));
			if (data != null) {
				consumer.accept(data);
			}
			start = end;
		}
	}

	/** Merges the usage an event's data reports, wherever it stands in it. */
	private void readUsage(String data) {
		if (data.isEmpty() || data.charAt(0) != '{') {
			return;
		}
		try (JsonParser parser = Json.parser(data.getBytes(StandardCharsets.UTF_8))) {
			String field = null;
			JsonToken token;
			while ((token = parser.nextToken()) != null) {
				if (token == JsonToken.PROPERTY_NAME) {
					field = parser.currentName();
				}
				else if (token == JsonToken.START_OBJECT && "usage".equals(field)) {
					merge(Json.usage(parser));
					field = null;
				}
				else if (token == JsonToken.START_OBJECT && "usageMetadata".equals(field)) {
					merge(Json.geminiUsage(parser));
					field = null;
				}
			}
		}
		catch (JacksonException ex) {
			// not JSON: nothing to read
		}
	}

	/** Appends every produced text string of an event's data. */
	private static void readText(String data, StringBuilder text) {
		if (data.isEmpty() || data.charAt(0) != '{') {
			return;
		}
		try (JsonParser parser = Json.parser(data.getBytes(StandardCharsets.UTF_8))) {
			String field = null;
			JsonToken token;
			while ((token = parser.nextToken()) != null) {
				if (token == JsonToken.PROPERTY_NAME) {
					field = parser.currentName();
				}
				else if (token == JsonToken.VALUE_STRING && field != null && produced(field)) {
					text.append(parser.getString());
				}
			}
		}
		catch (JacksonException ex) {
			// not JSON: no text
		}
	}

	private static boolean produced(String field) {
		return switch (field) {
			case "content", "text", "delta", "thinking", "arguments", "partial_json", "refusal", "reasoning_content" -> true;
			default -> false;
		};
	}

	private void merge(TokenUsage usage) {
		this.input = Math.max(this.input, usage.inputTokens());
		this.output = Math.max(this.output, usage.outputTokens());
		this.cached = Math.max(this.cached, usage.cachedInputTokens());
		this.reasoning = Math.max(this.reasoning, usage.reasoningTokens());
	}

	/** An OpenAI usage chunk: no choices, a usage object. */
	private static boolean usageOnly(String data) {
		return data.contains("\"choices\":[]") && USAGE_MEMBER.matcher(data).find();
	}

	/** The event with its top-level {@code "usage"} member cut out (quotes inside JSON strings are escaped). */
	private static String withoutUsage(String event) {
		Matcher member = USAGE_MEMBER.matcher(event);
		if (!member.find()) {
			return event;
		}
		int from = member.start();
		int to = member.end();
		if ("{".equals(member.group(2))) {
			to = closing(event, member.end(2) - 1) + 1;
			// the comma after the object, when the member had none before it
			Matcher comma = Pattern.compile("\\G\\s*,").matcher(event);
			if (member.group(1) == null && comma.find(to)) {
				to = comma.end();
			}
		}
		else if (member.group(1) != null && member.group(3) != null) {
			// a comma on each side: keep one
			to = member.end() - member.group(3).length();
		}
		return event.substring(0, from) + event.substring(to);
	}

	private static int closing(String text, int open) {
		int depth = 0;
		for (int i = open; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '{') {
				depth++;
			}
			else if (c == '}' && --depth == 0) {
				return i;
			}
		}
		return text.length() - 1;
	}

	/** Where the event starting at {@code start} ends: after its blank line. */
	private static int eventEnd(String all, int start) {
		for (int i = start; i < all.length() - 1; i++) {
			if (all.charAt(i) == '\n') {
				if (all.charAt(i + 1) == '\n') {
					return i + 2;
				}
				if (all.charAt(i + 1) == '\r' && i + 2 < all.length() && all.charAt(i + 2) == '\n') {
					return i + 3;
				}
			}
		}
		return all.length();
	}

	/** The event's data (its {@code data:} lines joined), or {@code null} when it has none. */
	private static String data(String event) {
		StringBuilder data = null;
		for (String line : event.split("\r?\n")) {
			if (line.startsWith("data:")) {
				String value = line.substring(line.startsWith("data: ") ? 6 : 5);
				data = (data == null) ? new StringBuilder(value) : data.append('\n').append(value);
			}
		}
		return (data != null) ? data.toString() : null;
	}

}
