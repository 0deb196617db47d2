package dev.switchboard.guardrails;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.support.ErrorBodies;
import dev.switchboard.support.ErrorCode;

/**
 * The response side of one stream: redacts, restores and blocks in the texts that the model writes piece by piece,
 * a match split across any number of events included, while holding back as little as it can.
 * <p>
 * Each stream text (a channel: a choice's content, a tool call's arguments, a content block, an output item's part)
 * is followed as one text. After each event, the channel's text is split where a match could still begin and be
 * unfinished: some rule's pattern reaches the end of the text before it can tell ({@link Rule#possibleAt}). What
 * comes before is decided: its matches are acted on, and every event whose pieces lie there is released, in order,
 * each with its own framing (ids, event types, the rest of its JSON) and its piece of the text rewritten; a
 * replacement goes where its match starts, and the rest of the match leaves the later pieces. Events behind a held
 * one wait, so the order never changes. An event with no such tail passes at once.
 * <p>
 * The tail held is at most {@link #MAX_HOLD} characters. A longer possible match is given up (released as it is),
 * except a PEM private key, whose block is redacted from its begin line to its end line, however long, in the
 * events that carry it. A channel's text ends when another channel's text starts (stream texts follow each other)
 * and at the end of the stream, when all that is held is decided and released.
 * <p>
 * Not thread-safe: one per stream, called in the stream's order.
 */
final class StreamGuard {

	/** The longest tail of a text held back while it could still be a match. */
	static final int MAX_HOLD = 256;

	/** Characters kept before a channel's decided end, so that rules see what precedes a new match. */
	private static final int CONTEXT = 64;

	private final GuardContext context;

	private final Scanner scanner;

	private final ArrayDeque<Event> queue = new ArrayDeque<>();

	private final Map<String, Channel> channels = new HashMap<>();

	private @Nullable Channel active;

	private byte @Nullable [] error;

	StreamGuard(GuardContext context, Scanner scanner) {
		this.context = context;
		this.scanner = scanner;
	}

	/** The in-band error that ended the stream, or {@code null}. */
	byte @Nullable [] error() {
		return this.error;
	}

	/** The events to write now, given one buffer of whole events. */
	List<byte[]> accept(byte[] buffer) {
		List<byte[]> out = new ArrayList<>(2);
		int start = 0;
		while (start < buffer.length && this.error == null) {
			int end = eventEnd(buffer, start);
			byte[] event = (start == 0 && end == buffer.length) ? buffer : java.util.Arrays.copyOfRange(buffer, start, end);
			try {
				process(event, out);
			}
			catch (GuardrailBlockedException blocked) {
				block(blocked, out);
			}
			start = end;
		}
		return out;
	}

	/** What is still held, decided and released: the stream ended. */
	List<byte[]> finish() {
		List<byte[]> out = new ArrayList<>(2);
		if (this.error != null) {
			return out;
		}
		try {
			for (Channel channel : this.channels.values()) {
				evaluate(channel, true);
			}
			release(out);
		}
		catch (GuardrailBlockedException blocked) {
			block(blocked, out);
		}
		return out;
	}

	private void block(GuardrailBlockedException blocked, List<byte[]> out) {
		this.queue.clear();
		this.error = inBandError(this.context.endpoint, blocked.getMessage());
		out.add(this.error);
	}

	private void process(byte[] bytes, List<byte[]> out) {
		Event event = Event.parse(bytes);
		if (event.fields.isEmpty()) {
			if (this.queue.isEmpty()) {
				out.add(bytes);
			}
			else {
				this.queue.add(event);
			}
			return;
		}
		List<Channel> touched = new ArrayList<>(1);
		for (int i = 0; i < event.fields.size(); i++) {
			JsonTexts.Field field = event.fields.get(i);
			if (!field.fragment()) {
				// a whole text (a done event, the completed response): decided at once
				event.values.set(i, this.context.apply(this.scanner, field.value(), field.jsonText()));
				continue;
			}
			Channel channel = this.channels.computeIfAbsent(field.channel(), key -> new Channel(field.jsonText()));
			if (this.active != null && this.active != channel) {
				evaluate(this.active, true);
			}
			this.active = channel;
			int from = channel.end();
			channel.text.append(field.value());
			event.segments.add(new Segment(channel, i, from, channel.end()));
			if (!touched.contains(channel)) {
				touched.add(channel);
			}
		}
		this.queue.add(event);
		for (Channel channel : touched) {
			evaluate(channel, false);
		}
		release(out);
	}

	/** Decides what of {@code channel}'s text can be, and acts on its matches there. */
	private void evaluate(Channel channel, boolean atEnd) {
		String window = channel.text.toString();
		int base = channel.base;
		int length = window.length();
		int from = channel.decided - base;
		if (channel.open != null) {
			java.util.regex.Matcher end = SecretCatalog.PRIVATE_KEY_END.matcher(window);
			if (end.find(Math.max(0, channel.openSearch - base))) {
				channel.open.end = base + end.end();
				from = end.end();
				channel.decided = base + from;
				channel.open = null;
			}
			else {
				channel.open.end = base + length;
				channel.openSearch = Math.max(base, base + length - CONTEXT);
				channel.decided = base + length;
				return;
			}
		}
		int hold = atEnd ? length : possibleStart(window, from);
		List<Scanner.Hit> hits = this.scanner.find(window, from);
		if (!atEnd) {
			for (Scanner.Hit hit : hits) {
				if (hit.start() <= hold && unterminatedPrivateKey(window, hit)) {
					// a PEM block whose end line has not come: redacted from its begin line on, kept open to its end
					accept(channel, window, hits, hit.start());
					channel.open = channel.add(base + hit.start(), base + length, act(channel, hit, window));
					channel.openSearch = Math.max(base, base + length - CONTEXT);
					channel.decided = base + length;
					return;
				}
			}
		}
		for (Scanner.Hit hit : hits) {
			if (hit.start() < hold && hit.end() > hold) {
				hold = hit.start(); // a match that reaches into the held tail is not decided yet
			}
		}
		if (!atEnd && length - hold > MAX_HOLD) {
			// a possible match longer than the hold-back is given up; a match across the cut is taken as it is
			int forced = length - MAX_HOLD;
			for (Scanner.Hit hit : hits) {
				if (hit.start() < forced && hit.end() > forced) {
					forced = hit.end();
				}
			}
			hold = forced;
		}
		accept(channel, window, hits, hold);
		channel.decided = Math.max(channel.decided, base + hold);
	}

	private static boolean unterminatedPrivateKey(String window, Scanner.Hit hit) {
		return hit.rule().name().equals(SecretCatalog.PRIVATE_KEY)
				&& !SecretCatalog.PRIVATE_KEY_END.matcher(window).region(hit.start(), hit.end()).find();
	}

	private void accept(Channel channel, String window, List<Scanner.Hit> hits, int hold) {
		for (Scanner.Hit hit : hits) {
			if (hit.end() <= hold) {
				String replacement = act(channel, hit, window);
				if (!replacement.equals(window.substring(hit.start(), hit.end()))) {
					channel.add(channel.base + hit.start(), channel.base + hit.end(), replacement);
				}
			}
		}
	}

	private String act(Channel channel, Scanner.Hit hit, String window) {
		return this.context.act(this.scanner, hit, window.substring(hit.start(), hit.end()), channel.jsonText);
	}

	/**
	 * The first position at or after {@code from} where a match could begin and still be unfinished; else the end.
	 * Only the last {@link #MAX_HOLD} characters are asked: an earlier start could not be held anyway (a PEM block
	 * that began earlier is found whole by the scan and kept open).
	 */
	private int possibleStart(String window, int from) {
		int length = window.length();
		for (int p = Math.max(from, length - MAX_HOLD); p < length; p++) {
			if (p > 0 && isWord(window.charAt(p - 1)) && isWord(window.charAt(p))) {
				continue; // inside a word: every rule starts at a boundary
			}
			if (this.scanner.possibleAt(window, p) != null) {
				return p;
			}
		}
		return length;
	}

	private static boolean isWord(char c) {
		return Character.isLetterOrDigit(c);
	}

	/** Releases, in order, every event at the head of the queue whose pieces are all decided. */
	private void release(List<byte[]> out) {
		while (!this.queue.isEmpty()) {
			Event event = this.queue.peek();
			for (Segment segment : event.segments) {
				if (segment.end > segment.channel.decided) {
					trim();
					return;
				}
			}
			this.queue.poll();
			out.add(event.render());
		}
		trim();
	}

	/** Drops the text and matches of each channel that no held event needs any more. */
	private void trim() {
		for (Channel channel : this.channels.values()) {
			int needed = channel.decided;
			for (Event event : this.queue) {
				for (Segment segment : event.segments) {
					if (segment.channel == channel) {
						needed = Math.min(needed, segment.start);
					}
				}
			}
			int base = Math.max(channel.base, Math.min(needed, channel.decided - CONTEXT));
			if (base > channel.base) {
				channel.text.delete(0, base - channel.base);
				channel.base = base;
			}
			int keep = needed;
			channel.finals.removeIf(f -> f.end <= keep && f != channel.open);
		}
	}

	/** The in-band error that ends a blocked stream, in the client's stream format. */
	static byte[] inBandError(Endpoint endpoint, String message) {
		ErrorCode code = ErrorCode.GUARDRAIL_BLOCKED;
		String data;
		String event;
		if (endpoint.format() == dev.switchboard.provider.WireFormat.ANTHROPIC) {
			event = "error";
			data = new String(ErrorBodies.anthropic(ErrorBodies.anthropicType(code.status().value()),
					code.code() + ": " + message), StandardCharsets.UTF_8);
		}
		else if (endpoint == Endpoint.RESPONSES) {
			event = "error";
			StringBuilder json = new StringBuilder("{\"type\":\"error\",\"code\":\"").append(code.code())
				.append("\",\"message\":");
			dev.switchboard.support.Json.appendString(json, message);
			data = json.append(",\"param\":null}").toString();
		}
		else {
			event = null;
			data = new String(ErrorBodies.openAi(message, code.type(), code.code(), null), StandardCharsets.UTF_8);
		}
		return (((event != null) ? "event: " + event + "\n" : "") + "data: " + data + "\n\n")
			.getBytes(StandardCharsets.UTF_8);
	}

	/** Where the event that starts at {@code start} ends: after its blank line, or at the end of the buffer. */
	static int eventEnd(byte[] buffer, int start) {
		for (int i = start; i < buffer.length - 1; i++) {
			if (buffer[i] == '\n') {
				if (buffer[i + 1] == '\n') {
					return i + 2;
				}
				if (buffer[i + 1] == '\r' && i + 2 < buffer.length && buffer[i + 2] == '\n') {
					return i + 3;
				}
			}
		}
		return buffer.length;
	}

	/** One stream text, as far as it is still needed. */
	private static final class Channel {

		final StringBuilder text = new StringBuilder();

		final boolean jsonText;

		/** Absolute offset of {@code text}'s first char in the channel's whole text. */
		int base;

		/** Absolute offset before which everything is decided. */
		int decided;

		/** Decided matches whose replacement is not written yet, in order. */
		final List<Final> finals = new ArrayList<>(2);

		/** A PEM block still open: everything up to its end line is covered. */
		@Nullable Final open;

		int openSearch;

		Channel(boolean jsonText) {
			this.jsonText = jsonText;
		}

		int end() {
			return this.base + this.text.length();
		}

		Final add(int start, int end, String replacement) {
			Final f = new Final(start, end, replacement);
			this.finals.add(f);
			return f;
		}

		/** The channel's text in {@code [start, end)} with the decided matches in it replaced. */
		String render(int start, int end) {
			StringBuilder out = null;
			int position = start;
			for (Final f : this.finals) {
				if (f.end <= start || f.start >= end) {
					continue;
				}
				if (out == null) {
					out = new StringBuilder(end - start + 32);
				}
				if (f.start > position) {
					out.append(this.text, position - this.base, f.start - this.base);
				}
				if (f.start >= start) {
					out.append(f.replacement);
				}
				position = Math.max(position, Math.min(f.end, end));
			}
			if (out == null) {
				return this.text.substring(start - this.base, end - this.base);
			}
			if (position < end) {
				out.append(this.text, position - this.base, end - this.base);
			}
			return out.toString();
		}

	}

	/** A decided match: its absolute range and what replaces it. */
	private static final class Final {

		final int start;

		int end;

		final String replacement;

		Final(int start, int end, String replacement) {
			this.start = start;
			this.end = end;
			this.replacement = replacement;
		}

	}

	/** An event's piece of a channel's text. */
	private record Segment(Channel channel, int field, int start, int end) {
	}

	/** One SSE event, its texts and what becomes of them. */
	private static final class Event {

		final byte[] bytes;

		final int dataStart;

		final int dataEnd;

		final byte @Nullable [] json;

		final List<JsonTexts.Field> fields;

		final List<@Nullable String> values;

		final List<Segment> segments = new ArrayList<>(1);

		private Event(byte[] bytes, int dataStart, int dataEnd, byte @Nullable [] json, List<JsonTexts.Field> fields) {
			this.bytes = bytes;
			this.dataStart = dataStart;
			this.dataEnd = dataEnd;
			this.json = json;
			this.fields = fields;
			this.values = new ArrayList<>(fields.size());
			for (int i = 0; i < fields.size(); i++) {
				this.values.add(null);
			}
		}

		/** The event's one {@code data:} line as JSON, if it has exactly one and it parses. */
		static Event parse(byte[] bytes) {
			int dataStart = -1;
			int dataEnd = -1;
			int line = 0;
			while (line < bytes.length) {
				int next = line;
				while (next < bytes.length && bytes[next] != '\n') {
					next++;
				}
				int lineEnd = (next > line && bytes[next - 1] == '\r') ? next - 1 : next;
				if (lineEnd - line >= 5 && bytes[line] == 'd' && bytes[line + 1] == 'a' && bytes[line + 2] == 't'
						&& bytes[line + 3] == 'a' && bytes[line + 4] == ':') {
					if (dataStart >= 0) {
						return none(bytes); // several data lines: not one JSON document of a known format
					}
					dataStart = line + 5;
					if (dataStart < lineEnd && bytes[dataStart] == ' ') {
						dataStart++;
					}
					dataEnd = lineEnd;
				}
				line = next + 1;
			}
			if (dataStart < 0 || dataEnd <= dataStart || bytes[dataStart] != '{') {
				return none(bytes);
			}
			byte[] json = java.util.Arrays.copyOfRange(bytes, dataStart, dataEnd);
			try {
				return new Event(bytes, dataStart, dataEnd, json, JsonTexts.find(json, JsonTexts.Mode.EVENT));
			}
			catch (RuntimeException notJson) {
				return none(bytes);
			}
		}

		private static Event none(byte[] bytes) {
			return new Event(bytes, -1, -1, null, List.of());
		}

		/** The event with its texts as decided. */
		byte[] render() {
			for (Segment segment : this.segments) {
				String text = segment.channel.render(segment.start, segment.end);
				if (!text.equals(this.fields.get(segment.field).value())) {
					this.values.set(segment.field, text);
				}
			}
			boolean changed = false;
			for (String value : this.values) {
				changed |= value != null;
			}
			if (!changed || this.json == null) {
				return this.bytes;
			}
			byte[] json = JsonTexts.rewrite(this.json, this.fields, this.values);
			byte[] out = new byte[this.dataStart + json.length + (this.bytes.length - this.dataEnd)];
			System.arraycopy(this.bytes, 0, out, 0, this.dataStart);
			System.arraycopy(json, 0, out, this.dataStart, json.length);
			System.arraycopy(this.bytes, this.dataEnd, out, this.dataStart + json.length, this.bytes.length - this.dataEnd);
			return out;
		}

	}

}
