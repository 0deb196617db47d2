package dev.switchboard.provider.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
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
		return this.connection.inbound().receive().retain().doOnCancel(this::discard);
	}

	@Override
	public void discard() {
		if (!this.connection.isDisposed()) {
			this.connection.dispose();
		}
	}

}
