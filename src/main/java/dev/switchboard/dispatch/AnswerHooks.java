package dev.switchboard.dispatch;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/** The {@link AnswerHook}s of one request, kept in an exchange attribute until the dispatcher runs them. */
public final class AnswerHooks {

	private static final String ATTRIBUTE = AnswerHooks.class.getName();

	private AnswerHooks() {
	}

	/** Adds {@code hook} after those already attached to the exchange's answer. */
	public static void add(ServerWebExchange exchange, AnswerHook hook) {
		exchange.getAttributes().computeIfAbsent(ATTRIBUTE, key -> new ArrayList<AnswerHook>(3));
		hooks(exchange).add(hook);
	}

	@SuppressWarnings("unchecked")
	private static List<AnswerHook> hooks(ServerWebExchange exchange) {
		Object hooks = exchange.getAttribute(ATTRIBUTE);
		return (hooks != null) ? (List<AnswerHook>) hooks : List.of();
	}

	/** The answer after every hook's {@link AnswerHook#onAnswer}, in order. */
	static Mono<Answer> onAnswer(ServerWebExchange exchange, Answer answer) {
		List<AnswerHook> hooks = hooks(exchange);
		if (hooks.isEmpty()) {
			return Mono.just(answer);
		}
		Mono<Answer> result = Mono.just(answer);
		for (AnswerHook hook : hooks) {
			result = result.flatMap(current -> hook.onAnswer(exchange, current));
		}
		return result;
	}

	/** The events after every hook's {@link AnswerHook#onEvents}, in order. */
	static Flux<ByteBuf> onEvents(ServerWebExchange exchange, Answer answer, Flux<ByteBuf> events) {
		Flux<ByteBuf> result = events;
		for (AnswerHook hook : hooks(exchange)) {
			result = hook.onEvents(exchange, answer, result);
		}
		return result;
	}

}
