package dev.switchboard.dispatch;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.streaming.SseEventFramer;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayHeaders;

/**
 * Writes the chosen upstream answer to the client: this is the commit point, after which nothing is retried.
 * <p>
 * A JSON body passes through as its buffers arrive. An event stream is written whole events at a time and flushed
 * after each upstream read, so events keep their timing; if it ends without its terminal event (cut, or failed
 * mid-way) the client gets an error event in its own format and never a clean end. If the client leaves, the upstream
 * body subscription is cancelled, which closes the upstream connection.
 */
final class ResponseWriter {

	private static final Log logger = LogFactory.getLog(ResponseWriter.class);

	private final StreamEnd streamEnd;

	ResponseWriter(StreamEnd streamEnd) {
		this.streamEnd = streamEnd;
	}

	Mono<Void> write(ServerWebExchange exchange, Answer answer, AttemptLog log) {
		ServerHttpResponse response = exchange.getResponse();
		UpstreamResponse upstream = answer.response();
		boolean eventStream = upstream.isEventStream();
		response.setStatusCode(HttpStatusCode.valueOf(upstream.status()));
		HeaderPolicy.copyReturnable(upstream.headers(), response.getHeaders(), !eventStream);
		response.getHeaders().set(GatewayHeaders.PROVIDER, answer.target().provider().id());
		response.getHeaders().set(GatewayHeaders.MODEL, answer.target().model());
		response.getHeaders().set(GatewayHeaders.ATTEMPTS, Integer.toString(log.attempts()));
		DataBufferFactory factory = response.bufferFactory();
		if (!eventStream) {
			return response.writeWith(upstream.body().map(buffer -> wrap(factory, buffer)));
		}
		return response.writeAndFlushWith(events(exchange, upstream).map(buffer -> Mono.just(wrap(factory, buffer))));
	}

	/** Whole events as they complete, then an in-band error if the stream did not end with its terminal event. */
	private Flux<ByteBuf> events(ServerWebExchange exchange, UpstreamResponse upstream) {
		SseEventFramer framer = new SseEventFramer(this.streamEnd);
		return upstream.body().<ByteBuf>handle((chunk, sink) -> {
			ByteBuf whole = framer.next(chunk);
			if (whole != null) {
				sink.next(whole);
			}
		})
			.concatWith(Mono.defer(() -> framer.terminated() ? Mono.empty()
					: Mono.just(interrupted(exchange, "The upstream stream ended before it was complete."))))
			.onErrorResume(failure -> Mono.just(interrupted(exchange,
					"The upstream stream failed before it was complete (" + failure.getClass().getSimpleName() + ").")))
			.doFinally(signal -> framer.release());
	}

	private ByteBuf interrupted(ServerWebExchange exchange, String message) {
		exchange.getAttributes().put(GatewayAttributes.STREAM_INTERRUPTED, Boolean.TRUE);
		logger.warn("request_id=" + exchange.getAttribute(GatewayAttributes.REQUEST_ID) + " stream interrupted: "
				+ message);
		return Unpooled.wrappedBuffer(this.streamEnd.interruption(message));
	}

	private static DataBuffer wrap(DataBufferFactory factory, ByteBuf buffer) {
		if (factory instanceof NettyDataBufferFactory netty) {
			return netty.wrap(buffer);
		}
		try {
			byte[] bytes = new byte[buffer.readableBytes()];
			buffer.readBytes(bytes);
			return factory.wrap(bytes);
		}
		finally {
			buffer.release();
		}
	}

}
