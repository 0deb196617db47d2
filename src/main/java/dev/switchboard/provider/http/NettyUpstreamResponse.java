package dev.switchboard.provider.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientResponse;

import dev.switchboard.provider.UpstreamResponse;

/**
 * An upstream response read from a Reactor Netty connection.
 */
final class NettyUpstreamResponse implements UpstreamResponse {

	private final HttpClientResponse response;

	private final Connection connection;

	NettyUpstreamResponse(HttpClientResponse response, Connection connection) {
		this.response = response;
		this.connection = connection;
	}

	@Override
	public int status() {
		return this.response.status().code();
	}

	@Override
	public HttpHeaders headers() {
		return this.response.responseHeaders();
	}

	@Override
	public Flux<ByteBuf> body() {
		// retain: the buffers outlive Reactor Netty's read callback; the writer releases them.
		// A body not read to the end cannot be returned to the pool: close its connection.
		return this.connection.inbound().receive().retain().doOnCancel(this::close);
	}

	@Override
	public void discard() {
		// What arrived with the headers (often all of a short error body) waits in Reactor Netty's receive queue for
		// a subscriber, and closing the connection does not release it: a subscriber that cancels at once does.
		this.connection.inbound().receive().subscribe(new BaseSubscriber<ByteBuf>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				cancel();
			}

			@Override
			protected void hookOnError(Throwable failure) {
				// the connection had already failed: nothing is queued, and the failure is not this caller's
			}

		});
		close();
	}

	private void close() {
		if (!this.connection.isDisposed()) {
			this.connection.dispose();
		}
	}

}
