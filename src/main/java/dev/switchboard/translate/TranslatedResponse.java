package dev.switchboard.translate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.resilience.InvalidAnswerException;

/**
 * A provider's answer seen in the client's format. Status and headers are the provider's (without its
 * {@code content-length}, plus {@value TranslationNotes#DROPPED_HEADER} when the request lost parameters); the body is
 * translated as it is read:
 * <ul>
 * <li>an event stream event by event ({@link StreamTranslation}), each provider read giving the client events it
 * completed at once;</li>
 * <li>a JSON answer read whole (as the gateway reads every JSON answer before its commit point, up to
 * {@value #MAX_BYTES} bytes), then translated; a body that is not JSON goes on as it is, so that the gateway sees an
 * invalid answer and falls back;</li>
 * <li>an error body (4xx, 5xx) in the client's error shape, message kept, so a context-length error is still
 * recognised.</li>
 * </ul>
 * A stream that reports an error or cannot be translated fails with an {@link UpstreamStreamException}.
 */
final class TranslatedResponse implements UpstreamResponse {

	/** Largest JSON answer or error body translated. */
	static final int MAX_BYTES = 8 * 1024 * 1024;

	private final UpstreamResponse upstream;

	private final WireCodec client;

	private final WireCodec provider;

	/** The client's request: kept for a JSON answer, which needs it at the end; null for a stream. */
	private final @Nullable ObjectNode clientRequest;

	private final @Nullable StreamEncoder encoder;

	private final TranslationContext context;

	private final HttpHeaders headers;

	TranslatedResponse(UpstreamResponse upstream, WireCodec client, WireCodec provider, ObjectNode clientRequest,
			boolean stream, List<String> dropped, TranslationContext context) {
		this.upstream = upstream;
		this.client = client;
		this.provider = provider;
		this.context = context;
		boolean events = stream && upstream.status() < 300 && upstream.isEventStream();
		this.encoder = events ? client.streamFromHub(clientRequest, context) : null;
		this.clientRequest = events ? null : clientRequest;
		this.headers = new DefaultHttpHeaders().add(upstream.headers());
		this.headers.remove("content-length");
		if (!events) {
			this.headers.set("content-type", "application/json");
		}
		if (!dropped.isEmpty()) {
			this.headers.set(TranslationNotes.DROPPED_HEADER, String.join(",", dropped));
		}
	}

	@Override
	public int status() {
		return this.upstream.status();
	}

	@Override
	public HttpHeaders headers() {
		return this.headers;
	}

	@Override
	public Flux<ByteBuf> body() {
		StreamEncoder encoder = this.encoder;
		if (encoder != null) {
			return events(encoder);
		}
		// one buffer: the translated whole answer or error
		return whole().map(bytes -> Unpooled.wrappedBuffer(bytes)).flux();
	}

	private Flux<ByteBuf> events(StreamEncoder encoder) {
		StreamTranslation translation = new StreamTranslation(this.provider.streamToHub(this.context), encoder);
		return this.upstream.body().handle((chunk, sink) -> {
			String events;
			try {
				events = translation.next(chunk);
			}
			finally {
				chunk.release();
			}
			if (!events.isEmpty()) {
				sink.next(Unpooled.wrappedBuffer(events.getBytes(StandardCharsets.UTF_8)));
			}
			if (translation.failure() != null) {
				// cancels the upstream, which closes its connection
				sink.error(translation.failure());
			}
		});
	}

	private Mono<byte[]> whole() {
		int status = this.upstream.status();
		return this.upstream.body().collect(ByteArrayOutputStream::new, (out, chunk) -> {
			try {
				if (out.size() + chunk.readableBytes() > MAX_BYTES) {
					throw new InvalidAnswerException("answer larger than " + MAX_BYTES + " bytes");
				}
				chunk.readBytes(out, chunk.readableBytes());
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			finally {
				chunk.release();
			}
		}).map(out -> {
			byte[] body = out.toByteArray();
			if (status >= 400) {
				return this.client.errorFromHub(status, this.provider.errorToHub(status, body));
			}
			ObjectNode answer = JsonTrees.parseObject(body);
			if (answer == null || this.clientRequest == null) {
				return body;
			}
			try {
				ObjectNode hub = this.provider.responseToHub(answer, this.context);
				return JsonTrees.bytes(this.client.responseFromHub(hub, this.clientRequest, this.context));
			}
			catch (InvalidAnswerException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				throw new InvalidAnswerException("an answer that cannot be translated (" + ex.getClass().getSimpleName() + ")");
			}
		});
	}

	@Override
	public void discard() {
		this.upstream.discard();
	}

}
