package dev.switchboard.quota;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;
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

	private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

	/** Gemini's stream chunks report {@code usageMetadata}. */
	private static final byte[] GEMINI_USAGE = "\"usageMetadata\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

	/** What marks OpenAI's usage chunk: it has no choices. */
	private static final ByteBuf NO_CHOICES = Unpooled
		.unreleasableBuffer(Unpooled.wrappedBuffer("\"choices\":[]".getBytes(StandardCharsets.US_ASCII)));

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
	 * Reads {@code events} (one or more whole SSE events) and returns what goes to the client. The bytes are scanned
	 * for {@code "usage"} and {@code "usageMetadata"} members; only an object value is parsed (a {@code null}, which
	 * every OpenAI chunk carries once usage is asked for, costs a comparison). No event is decoded to text here.
	 */
	ByteBuf onEvents(ByteBuf events) {
		keepRaw(events);
		int from = events.readerIndex();
		int to = events.writerIndex();
		Cuts cuts = null;
		int at = from;
		UsagePrefix prefix = new UsagePrefix();
		while (at < to) {
			int last = events.forEachByte(at, to - at, prefix.reset());
			if (last < 0) {
				break;
			}
			int found = last - (USAGE.length - 2);
			at = last + 1;
			int nameEnd = memberName(events, found, to);
			if (nameEnd < 0) {
				continue;
			}
			int value = skipSpace(events, nameEnd, to);
			if (value >= to || events.getByte(value) != ':') {
				continue;
			}
			value = skipSpace(events, value + 1, to);
			boolean gemini = nameEnd - found == GEMINI_USAGE.length;
			int valueEnd;
			if (startsWith(events, value, to, NULL)) {
				valueEnd = value + NULL.length;
			}
			else if (value < to && events.getByte(value) == '{') {
				valueEnd = closing(events, value, to) + 1;
				read(events, value, valueEnd, gemini);
			}
			else {
				continue;
			}
			at = valueEnd;
			if (this.strip && !gemini) {
				cuts = (cuts != null) ? cuts : new Cuts();
				cutUsage(events, from, to, found, valueEnd, cuts);
			}
		}
		if (cuts == null) {
			return events;
		}
		ByteBuf kept = events.alloc().buffer(to - from);
		int copied = from;
		for (int i = 0; i < cuts.size; i++) {
			kept.writeBytes(events, copied, cuts.starts[i] - copied);
			copied = Math.max(copied, cuts.ends[i]);
		}
		kept.writeBytes(events, copied, to - copied);
		events.release();
		return kept;
	}

	/**
	 * Where the member name starting at the quote {@code quote} ends (past its closing quote) when it is
	 * {@code "usage"} or {@code "usageMetadata"}, else -1. A quote after a backslash is inside a string.
	 */
	private static int memberName(ByteBuf events, int quote, int to) {
		if (quote > events.readerIndex() && events.getByte(quote - 1) == '\\') {
			return -1;
		}
		if (startsWith(events, quote, to, USAGE)) {
			return quote + USAGE.length;
		}
		if (startsWith(events, quote, to, GEMINI_USAGE)) {
			return quote + GEMINI_USAGE.length;
		}
		return -1;
	}

	/** Parses the usage object in {@code [start, end)} and merges it. */
	private void read(ByteBuf events, int start, int end, boolean gemini) {
		byte[] object = new byte[end - start];
		events.getBytes(start, object);
		try (JsonParser parser = Json.parser(object)) {
			if (parser.nextToken() == JsonToken.START_OBJECT) {
				merge(gemini ? Json.geminiUsage(parser) : Json.usage(parser));
			}
		}
		catch (JacksonException ex) {
			// not a JSON object after all: nothing to read
		}
	}

	/**
	 * Records what to cut for the {@code "usage"} member in {@code [member, valueEnd)}: the whole event when it is an
	 * OpenAI usage chunk (no choices), else the member with one of its commas, so the JSON stays well formed.
	 */
	private static void cutUsage(ByteBuf events, int from, int to, int member, int valueEnd, Cuts cuts) {
		int eventStart = eventStart(events, from, member);
		int eventEnd = eventEnd(events, valueEnd, to);
		int choices = ByteBufUtil.indexOf(NO_CHOICES.duplicate(),
				events.slice(eventStart, eventEnd - eventStart));
		if (choices >= 0) {
			cuts.add(eventStart, eventEnd);
			return;
		}
		int before = member - 1;
		while (before > eventStart && isSpace(events.getByte(before))) {
			before--;
		}
		if (events.getByte(before) == ',') {
			cuts.add(before, valueEnd);
			return;
		}
		int after = skipSpace(events, valueEnd, eventEnd);
		cuts.add(member, (after < eventEnd && events.getByte(after) == ',') ? after + 1 : valueEnd);
	}

	/**
	 * Finds {@code "usage} (the start of both member names) in one pass over the bytes: stops on its last byte. The
	 * prefix repeats no part of itself but its quote, so a mismatch restarts at 0, or at 1 on a quote.
	 */
	private static final class UsagePrefix implements ByteProcessor {

		private static final int LENGTH = USAGE.length - 1;

		private int matched;

		UsagePrefix reset() {
			this.matched = 0;
			return this;
		}

		@Override
		public boolean process(byte value) {
			if (value == USAGE[this.matched]) {
				if (++this.matched == LENGTH) {
					return false;
				}
			}
			else {
				this.matched = (value == '"') ? 1 : 0;
			}
			return true;
		}

	}

	/** Ranges of the buffer left out, in order. */
	private static final class Cuts {

		private int[] starts = new int[4];

		private int[] ends = new int[4];

		private int size;

		void add(int start, int end) {
			// a whole event cut after a member of it was: the event's range replaces the member's
			while (this.size > 0 && start <= this.starts[this.size - 1]) {
				this.size--;
				end = Math.max(end, this.ends[this.size]);
			}
			if (this.size > 0 && start < this.ends[this.size - 1]) {
				this.ends[this.size - 1] = Math.max(this.ends[this.size - 1], end);
				return;
			}
			if (this.size == this.starts.length) {
				this.starts = java.util.Arrays.copyOf(this.starts, this.size * 2);
				this.ends = java.util.Arrays.copyOf(this.ends, this.size * 2);
			}
			this.starts[this.size] = start;
			this.ends[this.size] = end;
			this.size++;
		}

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
			int grown = Math.max(Math.max(this.raw.length * 2, this.rawLength + length), 8192);
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

	/** Where the object opening at {@code open} closes (its {@code '}'}), strings and escapes skipped. */
	private static int closing(ByteBuf events, int open, int to) {
		int depth = 0;
		boolean inString = false;
		for (int i = open; i < to; i++) {
			byte b = events.getByte(i);
			if (inString) {
				if (b == '\\') {
					i++;
				}
				else if (b == '"') {
					inString = false;
				}
			}
			else if (b == '"') {
				inString = true;
			}
			else if (b == '{') {
				depth++;
			}
			else if (b == '}' && --depth == 0) {
				return i;
			}
		}
		return to - 1;
	}

	/** Where the event holding {@code at} starts: after the blank line before it, or at {@code from}. */
	private static int eventStart(ByteBuf events, int from, int at) {
		for (int i = at - 1; i > from; i--) {
			if (events.getByte(i) == '\n' && (events.getByte(i - 1) == '\n'
					|| (events.getByte(i - 1) == '\r' && i - 2 >= from && events.getByte(i - 2) == '\n'))) {
				return i + 1;
			}
		}
		return from;
	}

	/** Where the event holding {@code at} ends: after its blank line, or at {@code to}. */
	private static int eventEnd(ByteBuf events, int at, int to) {
		for (int i = at; i < to - 1; i++) {
			if (events.getByte(i) == '\n') {
				if (events.getByte(i + 1) == '\n') {
					return i + 2;
				}
				if (events.getByte(i + 1) == '\r' && i + 2 < to && events.getByte(i + 2) == '\n') {
					return i + 3;
				}
			}
		}
		return to;
	}

	private static int skipSpace(ByteBuf events, int at, int to) {
		while (at < to && isSpace(events.getByte(at))) {
			at++;
		}
		return at;
	}

	private static boolean isSpace(byte b) {
		return b == ' ' || b == '\t' || b == '\r' || b == '\n';
	}

	private static boolean startsWith(ByteBuf events, int at, int to, byte[] prefix) {
		if (to - at < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (events.getByte(at + i) != prefix[i]) {
				return false;
			}
		}
		return true;
	}

}
