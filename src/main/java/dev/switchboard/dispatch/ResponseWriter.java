package dev.switchboard.dispatch;

import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.resilience.InvalidAnswerException;
import dev.switchboard.routing.Target;
import dev.switchboard.streaming.SseEventFramer;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.streaming.StreamWatchdog;
import dev.switchboard.support.EventLoopTimers;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.GatewayHeaders;

/**
 * Writes the chosen answer to the client: this is the commit point, after which nothing is retried.
 * <p>
 * A JSON body goes out as it was read. An event stream is written whole events at a time and flushed after each
 * upstream read, so events keep their timing. A stream that goes silent for longer than the target's idle timeout,
 * outlives the request's deadline, is cut, or ends without its terminal event gets an error event in the client's
 * format as its last event, never a clean end; its upstream is cancelled, which closes the upstream connection. So
 * is the upstream of a client that leaves.
 */
final class ResponseWriter {

	private static final Log logger = LogFactory.getLog(ResponseWriter.class);

	/** An SSE comment: clients ignore it, proxies and load balancers see traffic. */
	private static final byte[] PING = ": ping\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private final StreamEnd streamEnd;

	ResponseWriter(StreamEnd streamEnd) {
		this.streamEnd = streamEnd;
	}

	/**
	 * @param remaining what is left of the request's deadline
	 * @param keepAlive silence after which a stream gets a {@code : ping} comment; zero for none
	 */
	Mono<Void> write(ServerWebExchange exchange, Answer chosen, AttemptLog log, Duration remaining, Duration keepAlive) {
		return AnswerHooks.onAnswer(exchange, chosen).flatMap(answer -> {
			exchange.getAttributes().put(GatewayAttributes.ANSWER, answer);
			return writeHooked(exchange, answer, log, remaining, keepAlive);
		});
	}

	private Mono<Void> writeHooked(ServerWebExchange exchange, Answer answer, AttemptLog log, Duration remaining,
			Duration keepAlive) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(answer.status()));
		HeaderPolicy.copyReturnable(answer.headers(), response.getHeaders(), !answer.eventStream());
		response.getHeaders().set(GatewayHeaders.PROVIDER, answer.target().provider().id());
		response.getHeaders().set(GatewayHeaders.MODEL, answer.target().model());
		response.getHeaders().set(GatewayHeaders.ATTEMPTS, Integer.toString(log.attempts()));
		response.getHeaders().set(GatewayHeaders.ROUTING, log.routing());
		response.getHeaders().set(GatewayHeaders.OVERHEAD_MS, overhead(exchange, log));
		DataBufferFactory factory = response.bufferFactory();
		SseEventFramer framer = answer.framer();
		if (framer == null) {
			return response.writeWith(answer.body().map(buffer -> wrap(factory, buffer)));
		}
		return response
			.writeAndFlushWith(events(exchange, answer, framer, remaining, keepAlive).map(buffer -> Mono.just(wrap(factory, buffer))));
	}

	/**
	 * Commits a stream response before its answer is known, because the keep-alive interval passed without one:
	 * status 200 with the headers of {@code current}, the target being tried, and a {@code : ping} now and after
	 * every further interval of waiting. Then the answer's events as usual; an answer that failed, or is not a
	 * successful stream, becomes an in-band error.
	 */
	Mono<Void> writeCommitted(ServerWebExchange exchange, Mono<Answer> answer, @Nullable Target current, AttemptLog log,
			Duration remaining, Duration keepAlive) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.OK);
		HttpHeaders headers = response.getHeaders();
		headers.set(HttpHeaders.CONTENT_TYPE, "text/event-stream");
		headers.set(HttpHeaders.CACHE_CONTROL, "no-cache");
		if (current != null) {
			headers.set(GatewayHeaders.PROVIDER, current.provider().id());
			headers.set(GatewayHeaders.MODEL, current.model());
		}
		headers.set(GatewayHeaders.ATTEMPTS, Integer.toString(log.attempts()));
		headers.set(GatewayHeaders.ROUTING, log.routing());
		long deadlineNanos = System.nanoTime() + remaining.toNanos();
		Flux<ByteBuf> pings = Flux.interval(Duration.ZERO, keepAlive, EventLoopTimers.current())
			.map(tick -> Unpooled.wrappedBuffer(PING))
			.takeUntilOther(answer.onErrorResume(failure -> Mono.empty()));
		Flux<ByteBuf> events = answer.flatMap(chosen -> AnswerHooks.onAnswer(exchange, chosen)).flatMapMany(chosen -> {
			exchange.getAttributes().put(GatewayAttributes.ANSWER, chosen);
			SseEventFramer framer = chosen.framer();
			if (framer == null || chosen.status() >= 300) {
				chosen.discard();
				return Mono.just(interrupted(exchange, "The upstream answered HTTP " + chosen.status()
						+ ((framer == null) ? " without a stream" : "") + " after the response was committed."));
			}
			Duration left = Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
			return events(exchange, chosen, framer, left, keepAlive);
		}).onErrorResume(failure -> Mono.just(interrupted(exchange, (failure instanceof GatewayException gateway)
				? gateway.getMessage() : "The upstream failed (" + failure.getClass().getSimpleName() + ").")));
		DataBufferFactory factory = response.bufferFactory();
		return response.writeAndFlushWith(Flux.merge(pings, events).map(buffer -> Mono.just(wrap(factory, buffer))));
	}

	/**
	 * Whole events as they complete, keep-alive pings in the silences, then an in-band error if the stream did not
	 * end with its terminal event.
	 */
	private Flux<ByteBuf> events(ServerWebExchange exchange, Answer answer, SseEventFramer framer, Duration remaining,
			Duration keepAlive) {
		Duration idle = answer.target().idleTimeout();
		StreamWatchdog watchdog = new StreamWatchdog(idle.toNanos(), keepAlive.toNanos(),
				System.nanoTime() + remaining.toNanos());
		StreamWatchdog.Alarm[] alarm = new StreamWatchdog.Alarm[1];
		// the watchdog sees the upstream's events, before any hook holds one back
		Flux<ByteBuf> events = AnswerHooks.onEvents(exchange, answer, answer.body().doOnNext(event -> watchdog.touch()))
			.doFinally(signal -> watchdog.stop());
		// Object: events (ByteBuf) and alarms merged in arrival order, serialised by merge
		return Flux.<Object>merge(events, watchdog.alarms(EventLoopTimers.current()))
			// silence or the deadline ends the stream; cancelling the body closes the upstream connection
			.takeUntil(item -> item == StreamWatchdog.Alarm.IDLE || item == StreamWatchdog.Alarm.DEADLINE)
			.<ByteBuf>handle((item, sink) -> {
				if (item instanceof ByteBuf event) {
					sink.next(event);
				}
				else if (item == StreamWatchdog.Alarm.PING) {
					sink.next(Unpooled.wrappedBuffer(PING));
				}
				else {
					alarm[0] = (StreamWatchdog.Alarm) item;
				}
			})
			.concatWith(Mono.defer(() -> {
				// a hook that ended the stream with an in-band error of its own (a guardrail) set STREAM_INTERRUPTED
				if (alarm[0] == null && (framer.terminated()
						|| exchange.getAttribute(GatewayAttributes.STREAM_INTERRUPTED) != null)) {
					return Mono.empty();
				}
				return Mono.just(interrupted(exchange, message(alarm[0], idle)));
			}))
			.onErrorResume(failure -> Mono.just(interrupted(exchange, (failure instanceof InvalidAnswerException)
					? failure.getMessage()
					: "The upstream stream failed before it was complete (" + failure.getClass().getSimpleName() + ").")));
	}

	private static String message(StreamWatchdog.@Nullable Alarm alarm, Duration idle) {
		if (alarm == StreamWatchdog.Alarm.IDLE) {
			return "The upstream stream sent nothing for " + idle.toMillis() + " ms (idle timeout).";
		}
		if (alarm == StreamWatchdog.Alarm.DEADLINE) {
			return "The request's deadline ran out before the upstream stream was complete.";
		}
		return "The upstream stream ended before it was complete.";
	}

	private ByteBuf interrupted(ServerWebExchange exchange, String message) {
		exchange.getAttributes().put(GatewayAttributes.STREAM_INTERRUPTED, Boolean.TRUE);
		logger.warn("request_id=" + exchange.getAttribute(GatewayAttributes.REQUEST_ID) + " stream interrupted: "
				+ message);
		return Unpooled.wrappedBuffer(this.streamEnd.interruption(message));
	}

	/**
	 * The gateway's own share of the time to this answer: from the request's arrival to now, less the time spent on
	 * upstreams (attempts and backoff). Kept for the request's metrics; returned in milliseconds, three decimals.
	 */
	private static String overhead(ServerWebExchange exchange, AttemptLog log) {
		Long start = exchange.getAttribute(GatewayAttributes.START_NANOS);
		long nanos = (start != null) ? Math.max(0, System.nanoTime() - start - log.upstreamNanos()) : 0;
		exchange.getAttributes().put(GatewayAttributes.OVERHEAD_NANOS, nanos);
		return GatewayHeaders.millis(nanos);
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
