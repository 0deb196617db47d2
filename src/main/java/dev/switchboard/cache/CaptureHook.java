package dev.switchboard.cache;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.dispatch.Answer;
import dev.switchboard.dispatch.AnswerHook;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.support.EventLoopTimers;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.TokenUsage;

/**
 * The cache's hook on a missed request's answer: copies what the client receives (after the guardrails' hooks,
 * which run before this one) and, when the answer turns out whole and successful, stores it and hands it to the
 * request's followers.
 * <p>
 * Not stored: a status other than 200, a JSON answer without its finish or stop reason or larger than
 * {@value #MAX_ENTRY_BYTES} bytes, a stream that did not end with its terminal event (cut, idle, over the deadline,
 * the client gone) or that carried an in-band error, and any answer another capability marked
 * {@link GatewayAttributes#NOT_CACHEABLE} (also a mark set as the answer's end passes an earlier hook). Checking and
 * storing a finished answer is a parse of the whole answer, in a task queued once the end has passed every hook: up
 * to {@value #INLINE_BYTES} bytes on the event loop, a larger one on the parallel scheduler.
 */
final class CaptureHook implements AnswerHook {

	private static final Log logger = LogFactory.getLog(CaptureHook.class);

	/** The largest answer stored: the gateway checks JSON answers up to this size before its commit point too. */
	static final int MAX_ENTRY_BYTES = 8 * 1024 * 1024;

	/**
	 * Answers up to this size are checked and stored on the event loop as they end (tens of microseconds, and a
	 * local store then holds them before the response completes); larger ones on the parallel scheduler.
	 */
	static final int INLINE_BYTES = 64 * 1024;

	private final CacheLookup lookup;

	private final @Nullable Flight flight;

	private final List<byte[]> parts = new ArrayList<>();

	private long bytes;

	/** Set once the answer is known not to be stored, or once it was. */
	private boolean finished;

	/** A stream past {@value #MAX_ENTRY_BYTES} bytes: passed to the followers, not kept. */
	private boolean oversized;

	/**
	 * @param flight the flight this request leads, or {@code null} (a {@code no-cache} request stores but leads none)
	 */
	CaptureHook(CacheLookup lookup, @Nullable Flight flight) {
		this.lookup = lookup;
		this.flight = flight;
	}

	@Override
	public Mono<Answer> onAnswer(ServerWebExchange exchange, Answer answer) {
		if (answer.status() != 200) {
			abandon("the upstream answered HTTP " + answer.status());
			return Mono.just(answer);
		}
		if (exchange.getAttribute(GatewayAttributes.NOT_CACHEABLE) != null) {
			abandon("the answer is for this client only");
			return Mono.just(answer);
		}
		if (this.flight != null) {
			String contentType = answer.headers().get("content-type");
			this.flight.start(new Flight.Head(answer.eventStream(),
					(contentType != null) ? contentType : (answer.eventStream() ? "text/event-stream" : "application/json"),
					answer.target().provider().id(), answer.target().model()));
		}
		if (answer.eventStream()) {
			return Mono.just(answer);
		}
		Flux<ByteBuf> body = answer.body()
			.doOnNext(this::capture)
			.doOnComplete(() -> finish(exchange, answer, false))
			.doOnError(failure -> abandon("the answer failed"))
			.doOnCancel(() -> abandon("the answer was not read to its end"));
		return Mono.just(new Answer(answer.target(), answer.status(), answer.headers(), body, answer.framer(),
				answer.usage()));
	}

	@Override
	public Flux<ByteBuf> onEvents(ServerWebExchange exchange, Answer answer, Flux<ByteBuf> events) {
		if (this.finished) {
			return events;
		}
		return events.doOnNext(this::captureEvents)
			.doOnComplete(() -> finish(exchange, answer, true))
			.doOnError(failure -> abandon("the stream failed"))
			.doOnCancel(() -> abandon("the stream was cut or the client left"));
	}

	private void capture(ByteBuf buffer) {
		if (this.finished) {
			return;
		}
		this.bytes += buffer.readableBytes();
		if (this.bytes > MAX_ENTRY_BYTES) {
			abandon("the answer is larger than " + MAX_ENTRY_BYTES + " bytes");
			this.parts.clear();
			return;
		}
		this.parts.add(ByteBufUtil.getBytes(buffer));
	}

	private void captureEvents(ByteBuf buffer) {
		if (this.finished) {
			return;
		}
		this.bytes += buffer.readableBytes();
		if (this.bytes > MAX_ENTRY_BYTES && !this.oversized) {
			// not stored, but the followers still get the whole stream
			this.oversized = true;
			this.parts.clear();
		}
		for (byte[] event : SseEvents.split(buffer)) {
			if (!this.oversized) {
				this.parts.add(event);
			}
			if (this.flight != null) {
				this.flight.event(event);
			}
		}
	}

	/** The answer ended: checked and stored off the event loop. */
	private void finish(ServerWebExchange exchange, Answer answer, boolean stream) {
		if (this.finished) {
			return;
		}
		if (stream && (answer.framer() == null || !answer.framer().terminated()
				|| exchange.getAttribute(GatewayAttributes.STREAM_INTERRUPTED) != null)) {
			abandon("the stream ended without its terminal event");
			return;
		}
		if (stream && this.flight != null) {
			this.flight.endEvents();
		}
		if (this.oversized) {
			abandon("the stream is larger than " + MAX_ENTRY_BYTES + " bytes");
			return;
		}
		this.finished = true;
		List<byte[]> captured = List.copyOf(this.parts);
		this.parts.clear();
		String contentType = answer.headers().get("content-type");
		// not in this call: a hook before this one may still mark the answer when the end has passed it (its
		// doFinally runs after ours), so the decision is a task queued behind this one, on the event loop for a
		// small answer, on the parallel scheduler for a large one
		Mono<Object> storing = Mono.fromRunnable(() -> store(exchange, answer, stream, captured, contentType))
			.subscribeOn((this.bytes > INLINE_BYTES) ? Schedulers.parallel() : EventLoopTimers.current());
		storing.subscribe(null, failure -> {
			logger.warn("could not store an answer in the cache", failure);
			fail("the answer could not be stored");
		});
	}

	private void store(ServerWebExchange exchange, Answer answer, boolean stream, List<byte[]> captured,
			@Nullable String contentType) {
		if (exchange.getAttribute(GatewayAttributes.NOT_CACHEABLE) != null) {
			fail("the answer is for this client only");
			return;
		}
		TokenUsage measured = exchange.getAttribute(GatewayAttributes.USAGE);
		Long cost = exchange.getAttribute(GatewayAttributes.COST_MICRO_USD);
		Endpoint endpoint = this.lookup.endpoint();
		TokenUsage usage;
		if (stream) {
			TokenUsage read = AnswerForms.inspectStream(endpoint, captured);
			if (read == null) {
				fail("the stream carried an error");
				return;
			}
			usage = (measured != null && measured.known()) ? measured : read;
		}
		else {
			CachedAnswer whole = new CachedAnswer(false, captured, "", TokenUsage.UNKNOWN, "", "", 0);
			byte[] body = whole.body();
			if (!AnswerForms.complete(endpoint, body)) {
				fail("the answer is not whole");
				return;
			}
			captured = List.of(body);
			usage = answer.usage().known() ? answer.usage() : (measured != null) ? measured : TokenUsage.UNKNOWN;
		}
		CachedAnswer stored = new CachedAnswer(stream, captured,
				(contentType != null) ? contentType : (stream ? "text/event-stream" : "application/json"), usage,
				answer.target().provider().id(), answer.target().model(), System.currentTimeMillis(),
				(cost != null) ? cost : 0);
		this.lookup.store(stored).doFinally(signal -> {
			if (this.flight != null) {
				this.flight.succeed(stored);
				this.lookup.land(this.flight);
			}
		}).subscribe();
	}

	/** The request ended: an answer that never came (every target failed, the client left first) is abandoned. */
	void ended() {
		abandon("the request ended without an answer to store");
	}

	/** The answer will not be stored: followers go on their own. Called on the event loop. */
	private void abandon(String reason) {
		if (this.finished) {
			return;
		}
		this.finished = true;
		this.parts.clear();
		fail(reason);
	}

	private void fail(String reason) {
		if (this.flight != null) {
			this.flight.fail(reason);
			this.lookup.land(this.flight);
		}
	}

}
