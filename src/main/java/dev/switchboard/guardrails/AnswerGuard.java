package dev.switchboard.guardrails;

import java.io.ByteArrayOutputStream;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.dispatch.Answer;
import dev.switchboard.dispatch.AnswerHook;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.support.ErrorBodies;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayHeaders;

/**
 * The response side of a request's guardrails: a JSON answer's texts are checked whole (redacted, masked values
 * restored, or the answer turned into a {@code 400 guardrail_blocked} error in the client's format), a stream's
 * through a {@link StreamGuard}, which ends a blocked stream with an in-band error of that code. An answer that got
 * masked values back is marked not cacheable: it is this client's alone.
 */
final class AnswerGuard implements AnswerHook {

	private final GuardContext context;

	private final Scanner scanner;

	private final List<Guardrail> webhooks;

	private final WebhookClient client;

	AnswerGuard(GuardContext context, Scanner scanner, List<Guardrail> webhooks, WebhookClient client) {
		this.context = context;
		this.scanner = scanner;
		this.webhooks = webhooks;
		this.client = client;
	}

	@Override
	public Mono<Answer> onAnswer(ServerWebExchange exchange, Answer answer) {
		if (answer.eventStream() || answer.status() < 200 || answer.status() >= 300) {
			return Mono.just(answer);
		}
		return bytes(answer.body()).flatMap(json -> {
			TextChecks checks;
			try {
				checks = TextChecks.local(json, JsonTexts.Mode.ANSWER, this.scanner, this.context);
			}
			catch (GuardrailBlockedException blocked) {
				return Mono.just(blockedAnswer(exchange, answer, blocked));
			}
			catch (RuntimeException notJson) {
				return Mono.just(withBody(answer, json, false));
			}
			return checks.webhooks(this.webhooks, Direction.RESPONSE, this.context, this.client).map(checked -> {
				markRestored(exchange);
				header(exchange);
				return checked.changed() ? withBody(answer, checked.rewritten(), true) : withBody(answer, json, false);
			}).onErrorResume(GuardrailBlockedException.class, blocked -> Mono.just(blockedAnswer(exchange, answer, blocked)));
		});
	}

	@Override
	public Flux<ByteBuf> onEvents(ServerWebExchange exchange, Answer answer, Flux<ByteBuf> events) {
		if (this.scanner.isEmpty()) {
			return events; // response-side webhooks see JSON answers only
		}
		return Flux.defer(() -> {
			StreamGuard guard = new StreamGuard(this.context, this.scanner);
			return events.concatMapIterable(buffer -> guard.accept(copy(buffer)))
				.concatWith(Flux.defer(() -> Flux.fromIterable(guard.finish())))
				.takeUntil(event -> event == guard.error())
				.doOnNext(event -> {
					if (event == guard.error()) {
						exchange.getAttributes().put(GatewayAttributes.STREAM_INTERRUPTED, Boolean.TRUE);
					}
				})
				.doFinally(signal -> markRestored(exchange))
				.map(Unpooled::wrappedBuffer);
		});
	}

	private void markRestored(ServerWebExchange exchange) {
		if (this.context.restored()) {
			exchange.getAttributes().put(GatewayAttributes.NOT_CACHEABLE, "guardrails restored masked values");
		}
	}

	private void header(ServerWebExchange exchange) {
		String header = this.context.header();
		if (header != null) {
			exchange.getResponse().getHeaders().set(GatewayHeaders.GUARDRAILS, header);
		}
	}

	private Answer blockedAnswer(ServerWebExchange exchange, Answer answer, GuardrailBlockedException blocked) {
		header(exchange);
		ErrorCode code = blocked.code();
		byte[] body;
		int status = code.status().value();
		if (this.context.endpoint.format() == WireFormat.ANTHROPIC) {
			status = ErrorBodies.anthropicStatus(status);
			body = ErrorBodies.anthropic(ErrorBodies.anthropicType(status), code.code() + ": " + blocked.getMessage());
		}
		else {
			body = ErrorBodies.openAi(blocked.getMessage(), code.type(), code.code(), null);
		}
		HttpHeaders headers = new DefaultHttpHeaders();
		headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
		headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
		return new Answer(answer.target(), status, headers, Flux.just(Unpooled.wrappedBuffer(body)), null,
				answer.usage());
	}

	private static Answer withBody(Answer answer, byte[] body, boolean changed) {
		HttpHeaders headers = answer.headers();
		if (changed) {
			headers = answer.headers().copy();
			headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
		}
		return new Answer(answer.target(), answer.status(), headers, Flux.just(Unpooled.wrappedBuffer(body)), null,
				answer.usage());
	}

	/** The whole body (a checked JSON answer is in memory already), each buffer released as it is copied. */
	private static Mono<byte[]> bytes(Flux<ByteBuf> body) {
		return body.collect(ByteArrayOutputStream::new, (out, buffer) -> {
			try {
				byte[] bytes = new byte[buffer.readableBytes()];
				buffer.readBytes(bytes);
				out.writeBytes(bytes);
			}
			finally {
				buffer.release();
			}
		}).map(ByteArrayOutputStream::toByteArray);
	}

	private static byte[] copy(ByteBuf buffer) {
		try {
			byte[] bytes = new byte[buffer.readableBytes()];
			buffer.readBytes(bytes);
			return bytes;
		}
		finally {
			buffer.release();
		}
	}

}
