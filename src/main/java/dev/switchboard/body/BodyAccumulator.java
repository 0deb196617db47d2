package dev.switchboard.body;

import java.util.Arrays;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayException;

/**
 * Collects a request body into one array, up to a limit. Past the limit it keeps reading and dropping what arrives,
 * so the client gets its 413 over a connection that is still in order, not a reset in the middle of its upload. An
 * upload that goes on far past the limit is cut off.
 */
final class BodyAccumulator {

	/** How much past the limit is read and dropped before the upload is cut off. */
	static final long DRAIN_ALLOWANCE = 64L * 1024 * 1024;

	private final long limit;

	private byte[] bytes;

	private int length;

	private long seen;

	BodyAccumulator(long limit, long declaredLength) {
		this.limit = limit;
		int initial = (declaredLength > 0 && declaredLength <= limit) ? (int) declaredLength : 8192;
		this.bytes = new byte[initial];
	}

	void add(DataBuffer buffer) {
		try {
			int readable = buffer.readableByteCount();
			this.seen += readable;
			if (this.seen > this.limit) {
				this.bytes = null;
				if (this.seen > this.limit + DRAIN_ALLOWANCE) {
					throw tooLarge(this.limit);
				}
				return;
			}
			if (this.length + readable > this.bytes.length) {
				int grown = (int) Math.min(this.limit, Math.max((long) this.bytes.length * 2, this.length + readable));
				this.bytes = Arrays.copyOf(this.bytes, grown);
			}
			buffer.read(this.bytes, this.length, readable);
			this.length += readable;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	/** The body, or a 413 when it was over the limit. */
	byte[] toBytes() {
		if (this.seen > this.limit) {
			throw tooLarge(this.limit);
		}
		return (this.length == this.bytes.length) ? this.bytes : Arrays.copyOf(this.bytes, this.length);
	}

	static GatewayException tooLarge(long limit) {
		return new GatewayException(ErrorCode.REQUEST_TOO_LARGE,
				"The request body is larger than the gateway accepts (" + limit + " bytes).");
	}

}
