package dev.switchboard.dispatch;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/**
 * Response-side work that a filter before the dispatch slot attaches to a request's answer: guardrails that check
 * what the model wrote, usage and cost read from the answer, a cache capturing it. The filter adds its hook with
 * {@link AnswerHooks#add}; the dispatcher runs the hooks, in the order they were added (the filter order), on the
 * answer it chose, so that the event path stays one pass: framing, translation, the hooks, the write.
 * <p>
 * Both methods run on the event loop and must not block. The bodies a hook sees are in the client's wire format,
 * after translation.
 */
public interface AnswerHook {

	/**
	 * The chosen answer, before anything of it is written: returns the answer to write instead, the same one or one
	 * with another status, headers or body (a guardrail turning a JSON answer into an error, say). The response
	 * headers of the exchange may be set here. A non-stream answer's body is usually one buffer, held whole; an
	 * answer longer than the checked limit comes as it is read.
	 * <p>
	 * When a stream's response was committed before its answer came (keep-alive pings while waiting), the status
	 * and headers are already sent: only the call's side effects and the events' hook count then.
	 */
	default Mono<Answer> onAnswer(ServerWebExchange exchange, Answer answer) {
		return Mono.just(answer);
	}

	/**
	 * A stream's events in the client's wire format: each buffer holds one or more whole SSE events (those that
	 * one upstream read completed, flushed together), never part of one. The in-band error the gateway adds when a
	 * stream is cut comes after them and is not seen here. Returns the events to write. A
	 * hook may hold events back and release them later, and must release every buffer it drops. Completion means
	 * the upstream stream ended ({@code answer.framer().terminated()} tells whether with its terminal event);
	 * cancellation means the client left or the stream was cut.
	 */
	default Flux<ByteBuf> onEvents(ServerWebExchange exchange, Answer answer, Flux<ByteBuf> events) {
		return events;
	}

}
