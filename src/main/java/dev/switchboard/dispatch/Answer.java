package dev.switchboard.dispatch;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

import dev.switchboard.routing.Target;
import dev.switchboard.streaming.SseEventFramer;

/**
 * The upstream answer chosen to go to the client: checked as far as it can be before the commit point (a JSON body
 * read whole and parsed, a stream's first event arrived), with the rest of its body still to come.
 *
 * @param target the target that answered
 * @param status its status
 * @param headers its headers
 * @param body the body: whole events for a stream, else the bytes as they come (subscribe once)
 * @param framer for a stream, the framer that cut it into events and knows whether it ended well; else {@code null}
 */
public record Answer(Target target, int status, HttpHeaders headers, Flux<ByteBuf> body, @Nullable SseEventFramer framer) {

	/**
	 * Drops an answer that will never be written, closing its upstream connection. A stream's first event is
	 * already held, so it is taken and released before the cancel; any other body is cancelled unread.
	 */
	public void discard() {
		boolean stream = eventStream();
		this.body.subscribe(new BaseSubscriber<ByteBuf>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				if (stream) {
					subscription.request(1);
				}
				else {
					cancel();
				}
			}

			@Override
			protected void hookOnNext(ByteBuf buffer) {
				buffer.release();
				cancel();
			}

		});
	}

	/** Whether the answer is an event stream. */
	public boolean eventStream() {
		return this.framer != null;
	}

}
