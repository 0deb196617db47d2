package dev.switchboard.cache;

import java.util.List;

import dev.switchboard.support.TokenUsage;

/**
 * A whole, successful answer as its first client received it, after the response-side hooks before the cache
 * (guardrails): a JSON body, or a stream's events, each exactly the bytes of one SSE event including its blank line.
 *
 * @param stream whether the answer was a stream
 * @param parts the stream's events in order, or the JSON body as the one part
 * @param contentType the answer's content type
 * @param usage the tokens the original answer used (reported again on a hit, which costs none)
 * @param provider the provider that answered
 * @param model the model that answered
 * @param storedAtMillis when it was stored (epoch milliseconds), for {@code age}
 * @param costMicroUsd what the original answer cost, in millionths of a US dollar (the quota slot's price; 0 when
 * unpriced): what each hit saves
 */
public record CachedAnswer(boolean stream, List<byte[]> parts, String contentType, TokenUsage usage, String provider,
		String model, long storedAtMillis, long costMicroUsd) {

	public CachedAnswer {
		parts = List.copyOf(parts);
	}

	/** An answer whose cost is not known. */
	public CachedAnswer(boolean stream, List<byte[]> parts, String contentType, TokenUsage usage, String provider,
			String model, long storedAtMillis) {
		this(stream, parts, contentType, usage, provider, model, storedAtMillis, 0);
	}

	/** The bytes it holds, for the local store's weigher. */
	int weight() {
		long total = 96L + this.contentType.length() + this.provider.length() + this.model.length();
		for (byte[] part : this.parts) {
			total += part.length + 16;
		}
		return (int) Math.min(Integer.MAX_VALUE, total);
	}

	/** The whole body: the JSON answer, or the stream's events joined. */
	byte[] body() {
		if (this.parts.size() == 1) {
			return this.parts.get(0);
		}
		int length = 0;
		for (byte[] part : this.parts) {
			length += part.length;
		}
		byte[] body = new byte[length];
		int at = 0;
		for (byte[] part : this.parts) {
			System.arraycopy(part, 0, body, at, part.length);
			at += part.length;
		}
		return body;
	}

	/** Seconds since it was stored, for the {@code age} header. */
	long ageSeconds(long nowMillis) {
		return Math.max(0, (nowMillis - this.storedAtMillis) / 1000);
	}

}
