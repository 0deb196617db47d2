package dev.switchboard.dispatch;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * Collects an upstream body into one array up to a limit, releasing each buffer as it is copied.
 */
final class ByteCollector {

	private final int limit;

	private byte[] bytes = new byte[1024];

	private int length;

	private boolean overflowed;

	ByteCollector(int limit) {
		this.limit = limit;
	}

	void add(ByteBuf buffer) {
		try {
			int readable = buffer.readableBytes();
			if (this.overflowed || this.length + readable > this.limit) {
				this.overflowed = true;
				return;
			}
			if (this.length + readable > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.min(this.limit, Math.max(this.bytes.length * 2, this.length + readable)));
			}
			buffer.readBytes(this.bytes, this.length, readable);
			this.length += readable;
		}
		finally {
			buffer.release();
		}
	}

	/** Whether the body was longer than the limit (then {@link #bytes()} holds only its start). */
	boolean overflowed() {
		return this.overflowed;
	}

	byte[] bytes() {
		return Arrays.copyOf(this.bytes, this.length);
	}

}
