package dev.switchboard.quota;

import java.nio.charset.StandardCharsets;
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
 * {@code response.completed} ({@code response.usage}). Counts seen more than once keep the largest (Anthropic's
 * output count is cumulative).
 * <p>
 * When the gateway asked an OpenAI-type upstream for usage the client did not ask for ({@code strip}), the usage
 * chunk is dropped and the {@code "usage"} member the other chunks then carry is cut out, so the client's bytes are
 * what they would have been without the question. Buffers without a {@code "usage"} member go through untouched.
 */
final class StreamUsage {

	/** Produced text kept for an estimate; beyond it, characters are counted at 4 to a token. */
	private static final int MAX_TEXT = 1 << 20;

	private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

	private static final Pattern USAGE_MEMBER = Pattern.compile("(,\\s*)?\"usage\"\\s*:\\s*(null|\\{)(\\s*,)?");

	private final boolean strip;

	private final StringBuilder text = new StringBuilder();

	private long textOverflow;

	private long input = -1;

	private long output = -1;

	private long cached;

	private long reasoning;

	StreamUsage(boolean strip) {
		this.strip = strip;
	}

	/** Reads {@code events} (one or more whole SSE events) and returns what goes to the client. */
	ByteBuf onEvents(ByteBuf events) {
		boolean hasUsage = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(USAGE), events) >= 0;
		String all = events.toString(StandardCharsets.UTF_8);
		if (!hasUsage || !this.strip) {
			readEvents(all);
			return events;
		}
		StringBuilder kept = new StringBuilder(all.length());
		int start = 0;
		while (start < all.length()) {
			int end = eventEnd(all, start);
			String event = all.substring(start, end);
			String data = data(event);
			if (data != null) {
				read(data);
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

	/** The produced text, for counting. */
	String text() {
		return this.text.toString();
	}

	/** Tokens beyond the kept text, at 4 characters to a token. */
	long overflowTokens() {
		return (this.textOverflow + 3) / 4;
	}

	private void readEvents(String all) {
		int start = 0;
		while (start < all.length()) {
			int end = eventEnd(all, start);
			String data = data(all.substring(start, end));
			if (data != null) {
				read(data);
			}
			start = end;
		}
	}

	/** Reads one event's data: usage where it stands, and every produced text string. */
	private void read(String data) {
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
				else if (token == JsonToken.VALUE_STRING && field != null && produced(field)) {
					keep(parser.getString());
				}
			}
		}
		catch (JacksonException ex) {
			// not JSON: nothing to read
		}
	}

	private static boolean produced(String field) {
		return switch (field) {
			case "content", "text", "delta", "thinking", "arguments", "partial_json", "refusal", "reasoning_content" -> true;
			default -> false;
		};
	}

	private void keep(String value) {
		if (this.text.length() + value.length() <= MAX_TEXT) {
			this.text.append(value);
		}
		else {
			this.textOverflow += value.length();
		}
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
