package dev.switchboard.translate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Parses a provider's event stream as its buffers arrive, however they are cut: a line split across buffers, or a
 * multi-byte character split between them, is held until its end arrives. Comments ({@code : ping}) and {@code id:}
 * or {@code retry:} fields are skipped. One instance per stream.
 */
public final class SseParser {

	/** The unfinished line carried over from the previous buffer. */
	private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

	private @Nullable String event;

	private @Nullable StringBuilder data;

	/** Whether the last byte seen was a CR, so that a LF right after it ends nothing more. */
	private boolean afterCr;

	/** Reads {@code chunk} (without releasing it) and appends the events it completed to {@code out}. */
	public void feed(ByteBuf chunk, List<SseEvent> out) {
		int end = chunk.writerIndex();
		for (int i = chunk.readerIndex(); i < end; i++) {
			byte b = chunk.getByte(i);
			if (b == '\n' && this.afterCr) {
				this.afterCr = false;
				continue;
			}
			this.afterCr = b == '\r';
			if (b == '\n' || b == '\r') {
				line(out);
			}
			else {
				this.line.write(b);
			}
		}
	}

	/** Parses a whole transcript (tests, fixtures). */
	public static List<SseEvent> parseAll(String transcript) {
		List<SseEvent> events = new java.util.ArrayList<>();
		new SseParser().feed(io.netty.buffer.Unpooled.wrappedBuffer(transcript.getBytes(StandardCharsets.UTF_8)), events);
		return events;
	}

	private void line(List<SseEvent> out) {
		if (this.line.size() == 0) {
			if (this.data != null || this.event != null) {
				out.add(new SseEvent(this.event, (this.data != null) ? this.data.toString() : ""));
			}
			this.event = null;
			this.data = null;
			return;
		}
		String text = this.line.toString(StandardCharsets.UTF_8);
		this.line.reset();
		if (text.startsWith(":")) {
			return;
		}
		int colon = text.indexOf(':');
		String field = (colon < 0) ? text : text.substring(0, colon);
		String value = (colon < 0) ? "" : text.substring((colon + 1 < text.length() && text.charAt(colon + 1) == ' ') ? colon + 2 : colon + 1);
		if (field.equals("event")) {
			this.event = value;
		}
		else if (field.equals("data")) {
			if (this.data == null) {
				this.data = new StringBuilder(value.length());
			}
			else {
				this.data.append('\n');
			}
			this.data.append(value);
		}
	}

}
