package dev.switchboard.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;
import org.jspecify.annotations.Nullable;

/**
 * Cuts an upstream event stream at event boundaries, so that every write to the client holds whole events: as many
 * as the upstream read brought, never half of one. Only the unfinished tail of a read is held back, until the rest of
 * that event arrives; nothing is held for timing, so events reach the client as soon as they are complete.
 * <p>
 * It also watches for the stream's terminal event, so the caller can tell a finished stream from a cut one. One
 * instance serves one stream. Buffers arrive in order on the upstream connection's thread, but a client that leaves
 * cancels from its own thread: {@link #next} and {@link #release} are synchronized (uncontended, so cheap) so that a
 * held-back buffer is released exactly once, and a buffer that arrives after the release is dropped.
 */
public final class SseEventFramer {

	private final StreamEnd end;

	private @Nullable ByteBuf pending;

	private boolean terminated;

	private boolean released;

	public SseEventFramer(StreamEnd end) {
		this.end = end;
	}

	/**
	 * Takes one upstream buffer (and ownership of it) and returns the whole events now complete, or {@code null} when
	 * the buffer only continued an unfinished event. The caller owns the returned buffer.
	 */
	public synchronized @Nullable ByteBuf next(ByteBuf chunk) {
		if (this.released) {
			chunk.release();
			return null;
		}
		ByteBuf data = (this.pending == null) ? chunk : Unpooled.wrappedBuffer(this.pending, chunk);
		this.pending = null;
		int boundary = lastBoundary(data);
		if (boundary < 0) {
			this.pending = data;
			return null;
		}
		int start = data.readerIndex();
		if (boundary < data.writerIndex()) {
			this.pending = data.retainedSlice(boundary, data.writerIndex() - boundary);
			data.writerIndex(boundary);
		}
		this.terminated = this.end.isTerminal(lastEvent(data, start, boundary));
		return data;
	}

	/** Whether the last whole event seen was the stream's terminal event. */
	public synchronized boolean terminated() {
		return this.terminated;
	}

	/** Drops a held-back partial event: the stream is over and it will never be completed. */
	public synchronized void release() {
		this.released = true;
		if (this.pending != null) {
			this.pending.release();
			this.pending = null;
		}
	}

	/**
	 * Index just past the last blank line ({@code \n\n}, {@code \n\r\n} or {@code \r\r}), or -1. Scanned with
	 * {@link ByteBuf#forEachByteDesc}, which walks a composite buffer (an event split over reads) component by
	 * component instead of looking each index up.
	 */
	static int lastBoundary(ByteBuf data) {
		int length = data.readableBytes();
		if (length < 2) {
			return -1;
		}
		BoundaryFinder finder = new BoundaryFinder();
		int at = data.forEachByteDesc(data.readerIndex(), length, finder);
		return (at < 0) ? -1 : at + finder.length;
	}

	/** Scans backwards, remembering the two bytes after the current one, for the start of a blank line. */
	private static final class BoundaryFinder implements ByteProcessor {

		private byte next1;

		private byte next2;

		/** The length of the separator found. */
		private int length;

		@Override
		public boolean process(byte value) {
			if (value == '\n' && this.next1 == '\n' || value == '\r' && this.next1 == '\r') {
				this.length = 2;
				return false;
			}
			if (value == '\n' && this.next1 == '\r' && this.next2 == '\n') {
				this.length = 3;
				return false;
			}
			this.next2 = this.next1;
			this.next1 = value;
			return true;
		}

	}

	/** The last event in {@code [start, boundary)}, without the blank line that ends it. */
	private static ByteBuf lastEvent(ByteBuf data, int start, int boundary) {
		int contentEnd = boundary;
		while (contentEnd > start && (data.getByte(contentEnd - 1) == '\n' || data.getByte(contentEnd - 1) == '\r')) {
			contentEnd--;
		}
		int eventStart = start;
		for (int i = contentEnd - 1; i > start; i--) {
			byte b = data.getByte(i);
			if ((b == '\n' || b == '\r') && (data.getByte(i - 1) == '\n' || data.getByte(i - 1) == '\r')
					&& isBlankLineAt(data, start, i)) {
				eventStart = i + 1;
				break;
			}
		}
		return data.slice(eventStart, contentEnd - eventStart);
	}

	/** Whether the line break at {@code i} ends an empty line, i.e. is part of an event separator. */
	private static boolean isBlankLineAt(ByteBuf data, int start, int i) {
		byte b = data.getByte(i);
		byte before = data.getByte(i - 1);
		if (b == '\n' && before == '\n') {
			return true;
		}
		if (b == '\n' && before == '\r') {
			return i - 2 >= start && data.getByte(i - 2) == '\n';
		}
		return b == '\r' && before == '\r';
	}

}
