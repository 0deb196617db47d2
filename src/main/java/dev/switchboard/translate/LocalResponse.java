package dev.switchboard.translate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Flux;

import dev.switchboard.provider.UpstreamResponse;

/**
 * A JSON answer made by the gateway in place of a provider's: a request that cannot be translated for a target, or
 * a token count estimated locally.
 */
final class LocalResponse implements UpstreamResponse {

	private final int status;

	private final HttpHeaders headers;

	private final byte[] body;

	LocalResponse(int status, byte[] body) {
		this.status = status;
		this.body = body;
		this.headers = new DefaultHttpHeaders().set("content-type", "application/json")
			.set("content-length", body.length);
	}

	LocalResponse header(String name, String value) {
		this.headers.set(name, value);
		return this;
	}

	@Override
	public int status() {
		return this.status;
	}

	@Override
	public HttpHeaders headers() {
		return this.headers;
	}

	@Override
	public Flux<ByteBuf> body() {
		return Flux.just(Unpooled.wrappedBuffer(this.body));
	}

	@Override
	public boolean local() {
		return true;
	}

	@Override
	public void discard() {
		// nothing is held
	}

}
