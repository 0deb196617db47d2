package dev.switchboard.provider;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Flux;

/**
 * A provider's answer whose status and headers have arrived and whose body has not been read yet.
 * <p>
 * Exactly one of {@link #body()} (subscribed once) or {@link #discard()} must be called, or the upstream connection
 * stays open until its idle timeout.
 */
public interface UpstreamResponse {

	int status();

	HttpHeaders headers();

	/**
	 * The body as it arrives. Each buffer is retained for the subscriber, who releases it. Completing or cancelling
	 * the subscription releases the upstream connection; a cancel closes it.
	 */
	Flux<ByteBuf> body();

	/** Drops the response unread and closes its connection. */
	void discard();

	/**
	 * Whether the gateway made this answer itself (a request that cannot be translated for the target, a token count
	 * estimated locally): no upstream request was sent, so it is not an attempt.
	 */
	default boolean local() {
		return false;
	}

	/** Whether the body is a {@code text/event-stream}. */
	default boolean isEventStream() {
		String contentType = headers().get("content-type");
		return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
	}

}
