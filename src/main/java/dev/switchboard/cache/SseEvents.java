package dev.switchboard.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;

/**
 * Cuts bytes that hold whole SSE events into one array per event, each with its blank line, so that a replay flushes
 * event by event. The bytes are kept exactly: joined again they are what was cut. An event ends at an empty line,
 * whichever line ending ({@code \n}, {@code \r\n}, {@code \r}) the stream uses.
 */
final class SseEvents {

	private SseEvents() {
	}

	/** The events of {@code buffer}'s readable bytes (not consumed, not released). */
	static List<byte[]> split(ByteBuf buffer) {
		byte[] bytes = new byte[buffer.readableBytes()];
		buffer.getBytes(buffer.readerIndex(), bytes);
		return split(bytes);
	}

	static List<byte[]> split(byte[] bytes) {
		List<byte[]> events = new ArrayList<>(2);
		int start = 0;
		int i = 0;
		int n = bytes.length;
		// at the start of a line: an empty line ends the event
		boolean lineStart = true;
		while (i < n) {
			byte b = bytes[i];
			if (b == '\n' || b == '\r') {
				int end = (b == '\r' && i + 1 < n && bytes[i + 1] == '\n') ? i + 2 : i + 1;
				if (lineStart) {
					events.add(Arrays.copyOfRange(bytes, start, end));
					start = end;
				}
				lineStart = true;
				i = end;
			}
			else {
				lineStart = false;
				i++;
			}
		}
		if (start < n) {
			// not expected (hooks see whole events), kept rather than lost
			events.add(Arrays.copyOfRange(bytes, start, n));
		}
		return events;
	}

}
