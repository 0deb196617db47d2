package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import org.jspecify.annotations.Nullable;

/**
 * Parses a provider's event stream as its buffers arrive, however they are cut: a line split across buffers, or a
 * multi-byte character split between them, is held until its end arrives. Comments ({@code : ping}) and {@code id:}
 * or {@code retry:} fields are skipped. One instance per stream.
 */
public final class SseParser {

	/** The line being read, as bytes: it may continue from the previous buffer, even inside a character. */
	private byte[] line = new byte[256];

	private int lineLength;

	private @Nullable String event;

	private @Nullable StringBuilder data;

	/** Whether the last byte seen was a CR, so that a LF right after it ends nothing more. */
	private boolean afterCr;

	/**
	 * Reads {@code chunk} (without releasing it) and appends the events it completed to {@code out}. Line ends are
	 * found with {@link ByteBuf#forEachByte} and each line's bytes copied in bulk.
	 */
	public void feed(ByteBuf chunk, List<SseEvent> out) {
		int i = chunk.readerIndex();
		int end = chunk.writerIndex();
		while (i < end) {
			if (this.afterCr) {
				this.afterCr = false;
				if (chunk.getByte(i) == '\n') {
					i++;
					continue;
				}
			}
			int lineEnd = chunk.forEachByte(i, end - i, ByteProcessor.FIND_CRLF);
			if (lineEnd < 0) {
				append(chunk, i, end - i);
				return;
			}
			append(chunk, i, lineEnd - i);
			this.afterCr = chunk.getByte(lineEnd) == '\r';
			line(out);
			i = lineEnd + 1;
		}
	}

	private void append(ByteBuf chunk, int index, int length) {
		if (this.lineLength + length > this.line.length) {
			this.line = Arrays.copyOf(this.line, Math.max(this.line.length * 2, this.lineLength + length));
		}
		chunk.getBytes(index, this.line, this.lineLength, length);
		this.lineLength += length;
	}

	/** Parses a whole transcript (tests, fixtures). */
	public static List<SseEvent> parseAll(String transcript) {
		List<SseEvent> events = new java.util.ArrayList<>();
		new SseParser().feed(io.netty.buffer.Unpooled.wrappedBuffer(transcript.getBytes(StandardCharsets.UTF_8)), events);
		return events;
	}

	private void line(List<SseEvent> out) {
		if (this.lineLength == 0) {
			if (this.data != null || this.event != null) {
				out.add(new SseEvent(this.event, (this.data != null) ? this.data.toString() : ""));
			}
			this.event = null;
			this.data = null;
			return;
		}
		String text = new String(this.line, 0, this.lineLength, StandardCharsets.UTF_8);
		this.lineLength = 0;
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
