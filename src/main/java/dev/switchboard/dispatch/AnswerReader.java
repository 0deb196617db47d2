package dev.switchboard.dispatch;

import java.time.Duration;
import java.time.Instant;

import java.util.List;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.resilience.ContextLength;
import dev.switchboard.resilience.ContextLengthExceededException;
import dev.switchboard.resilience.FallbackPolicy;
import dev.switchboard.resilience.InvalidAnswerException;
import dev.switchboard.resilience.RetryAfter;
import dev.switchboard.resilience.UpstreamStatusException;
import dev.switchboard.routing.Target;
import dev.switchboard.streaming.SseEventFramer;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.support.EventLoopTimers;
import dev.switchboard.support.Json;
import dev.switchboard.support.TokenUsage;

/**
 * Decides what an upstream response is before anything reaches the client: a failed attempt (fallback status,
 * context window exceeded, a "success" that is not JSON, a stream that ends or stalls before its first event), or an
 * {@link Answer} that may go out.
 * <p>
 * So a JSON answer is read whole first (up to {@value #MAX_CHECKED_BYTES} bytes; a larger body streams through
 * unchecked), and a stream is held until its first whole event: both before their status is committed.
 */
final class AnswerReader {

	/** JSON answers up to this size are read and checked before the commit point. */
	static final int MAX_CHECKED_BYTES = 8 * 1024 * 1024;

	/** Error bodies are read up to this size to look for a context-length error. */
	static final int MAX_ERROR_BYTES = 1024 * 1024;

	private final StreamEnd streamEnd;

	AnswerReader(StreamEnd streamEnd) {
		this.streamEnd = streamEnd;
	}

	/**
	 * @param startNanos when the request went out: a stream's first event must come within the target's
	 * first-byte timeout of it
	 */
	Mono<Answer> read(Target target, UpstreamResponse response, long startNanos) {
		int status = response.status();
		if (FallbackPolicy.fallsBack(status)) {
			Duration retryAfter = RetryAfter.of(response.headers(), Instant.now());
			response.discard();
			return Mono.error(new UpstreamStatusException(status, retryAfter));
		}
		if (status >= 400) {
			return collect(target, response, MAX_ERROR_BYTES).flatMap(collector -> {
				byte[] body = collector.bytes();
				if (ContextLength.isExceeded(status, body)) {
					return Mono.error(new ContextLengthExceededException());
				}
				return Mono.just(whole(target, response, body));
			});
		}
		if (response.isEventStream()) {
			Duration left = target.firstByteTimeout().minusNanos(System.nanoTime() - startNanos);
			return firstEvent(target, response).timeout(left.isNegative() ? Duration.ZERO : left, EventLoopTimers.current());
		}
		String length = response.headers().get("content-length");
		if (!isJson(response) || (length != null && parseLong(length) > MAX_CHECKED_BYTES)) {
			return Mono.just(new Answer(target, status, response.headers(),
					response.body().timeout(target.idleTimeout(), EventLoopTimers.current()), null));
		}
		if (length != null) {
			// declared and small enough: read it whole in one collector, the common case
			return collect(target, response, MAX_CHECKED_BYTES).flatMap(collector -> checked(target, response, collector.bytes()));
		}
		return checkedOrStreamed(target, response);
	}

	/** A whole JSON answer, checked and its usage read in one scan; a failed attempt when it is not JSON. */
	private static Mono<Answer> checked(Target target, UpstreamResponse response, byte[] body) {
		int status = response.status();
		TokenUsage usage = (status == 204) ? TokenUsage.UNKNOWN : Json.usageIfValid(body);
		if (usage == null) {
			return Mono.error(new InvalidAnswerException("HTTP " + status + " with a body that is not JSON"));
		}
		return Mono.just(new Answer(target, status, response.headers(), Flux.just(Unpooled.wrappedBuffer(body)), null, usage));
	}

	/**
	 * A JSON answer of undeclared length read whole and checked, when it ends within {@value #MAX_CHECKED_BYTES} bytes;
	 * a longer one
	 * (a big batch of embeddings, say) is not held to be checked: what was read so far and the rest go through as
	 * they come, with bounded memory.
	 */
	private static Mono<Answer> checkedOrStreamed(Target target, UpstreamResponse response) {
		int status = response.status();
		long[] total = new long[1];
		return response.body()
			.timeout(target.idleTimeout(), EventLoopTimers.current())
			// one list until the limit is passed or the body ends, then a list per read
			.bufferUntil(buffer -> (total[0] += buffer.readableBytes()) > MAX_CHECKED_BYTES)
			.switchOnFirst((first, all) -> {
				if (first.hasError()) {
					return Mono.error(first.getThrowable());
				}
				List<ByteBuf> head = first.get();
				if (head != null && total[0] > MAX_CHECKED_BYTES) {
					return Mono.just(new Answer(target, status, response.headers(),
							all.concatMapIterable(Function.identity()), null));
				}
				ByteCollector collector = new ByteCollector(MAX_CHECKED_BYTES);
				if (head != null) {
					head.forEach(collector::add);
				}
				return checked(target, response, collector.bytes());
			}, false)
			.singleOrEmpty();
	}

	/** Holds a stream until its first whole event: a stream that ends or fails before then is a failed attempt. */
	private Mono<Answer> firstEvent(Target target, UpstreamResponse response) {
		SseEventFramer framer = new SseEventFramer(this.streamEnd);
		Flux<io.netty.buffer.ByteBuf> events = response.body()
			.<io.netty.buffer.ByteBuf>handle((chunk, sink) -> {
				io.netty.buffer.ByteBuf whole = framer.next(chunk);
				if (whole != null) {
					sink.next(whole);
				}
			})
			.doFinally(signal -> framer.release());
		// the source is not cancelled when the Answer is emitted: the writer subscribes to `all` after the commit
		return events.switchOnFirst((first, all) -> {
			if (first.hasValue()) {
				return Mono.just(new Answer(target, response.status(), response.headers(), all, framer));
			}
			return Mono.error(first.hasError() ? first.getThrowable()
					: new InvalidAnswerException("the stream ended before its first event"));
		}, false).singleOrEmpty();
	}

	private static Answer whole(Target target, UpstreamResponse response, byte[] body) {
		return new Answer(target, response.status(), response.headers(), Flux.just(Unpooled.wrappedBuffer(body)), null);
	}

	/** The body read whole; after the headers, the idle timeout bounds each wait for more of it. */
	private static Mono<ByteCollector> collect(Target target, UpstreamResponse response, int limit) {
		return response.body().timeout(target.idleTimeout(), EventLoopTimers.current()).collect(() -> new ByteCollector(limit), ByteCollector::add);
	}

	/** JSON, or no content type at all (some compatible servers leave it out). */
	private static boolean isJson(UpstreamResponse response) {
		String contentType = response.headers().get("content-type");
		return contentType == null || contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
	}

	private static long parseLong(String value) {
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
