package dev.switchboard.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.switchboard.support.TokenUsage;

/**
 * A {@link CachedAnswer} as bytes for a shared store: a version byte, then the fields, then each part with its
 * length. In memory only (no I/O); an entry of another version or a damaged one reads as {@code null}, a miss.
 */
final class CachedAnswerCodec {

	private static final int VERSION = 2;

	private CachedAnswerCodec() {
	}

	static byte[] encode(CachedAnswer answer) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(answer.weight());
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(VERSION);
			out.writeBoolean(answer.stream());
			out.writeUTF(answer.contentType());
			out.writeLong(answer.usage().inputTokens());
			out.writeLong(answer.usage().outputTokens());
			out.writeUTF(answer.provider());
			out.writeUTF(answer.model());
			out.writeLong(answer.storedAtMillis());
			out.writeLong(answer.costMicroUsd());
			out.writeInt(answer.parts().size());
			for (byte[] part : answer.parts()) {
				out.writeInt(part.length);
				out.write(part);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	static @Nullable CachedAnswer decode(byte[] bytes) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
			if (in.readByte() != VERSION) {
				return null;
			}
			boolean stream = in.readBoolean();
			String contentType = in.readUTF();
			TokenUsage usage = new TokenUsage(in.readLong(), in.readLong());
			String provider = in.readUTF();
			String model = in.readUTF();
			long storedAt = in.readLong();
			long cost = in.readLong();
			int count = in.readInt();
			if (count < 0 || count > bytes.length) {
				return null;
			}
			List<byte[]> parts = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				int length = in.readInt();
				if (length < 0 || length > bytes.length) {
					return null;
				}
				byte[] part = new byte[length];
				in.readFully(part);
				parts.add(part);
			}
			return new CachedAnswer(stream, parts, contentType, usage, provider, model, storedAt, cost);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

}
