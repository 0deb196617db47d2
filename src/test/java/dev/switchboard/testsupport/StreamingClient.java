package dev.switchboard.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A raw HTTP client for the gateway's event streams. It keeps each body chunk as the network delivered it, with the
 * time it arrived, so a test can see how the gateway cut and timed a stream; {@code WebTestClient}'s SSE decoder hides
 * both. Every request gets its own connection, closed at the end, so one test's connection never serves another.
 * <p>
 * A stream the gateway aborts (connection closed without the chunked body's end) fails the returned {@link Mono}:
 * a response that completes ended normally.
 */
public final class StreamingClient {

	private final HttpClient client;

	public StreamingClient(String baseUrl, String gatewayKey) {
		this.client = HttpClient.create(ConnectionProvider.newConnection())
			.baseUrl(baseUrl)
			.headers(headers -> headers.set("authorization", "Bearer " + gatewayKey)
				.set("content-type", "application/json"));
	}

	/** POSTs {@code body} and reads the whole response as it arrives. */
	public Mono<Streamed> post(String path, String body) {
		return post(path, body, Duration.ZERO);
	}

	/** POSTs {@code body} and reads the response slowly: {@code pause} after each chunk, asking for few at a time. */
	public Mono<Streamed> post(String path, String body, Duration pause) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return this.client.post()
				.uri(path)
				.send(ByteBufFlux.fromString(Mono.just(body)))
				.responseConnection((response, connection) -> {
					Flux<Chunk> chunks = connection.inbound()
						.receive()
						.map(buffer -> new Chunk(buffer.toString(StandardCharsets.UTF_8), System.nanoTime()));
					if (!pause.isZero()) {
						chunks = chunks.limitRate(4).delayElements(pause);
					}
					return chunks.collectList()
						.map(list -> new Streamed(response.status().code(), response.responseHeaders(), start, list));
				})
				.next();
		});
	}

	/**
	 * POSTs {@code body}, reads the first chunk of the response, then closes the connection as a client that leaves
	 * would. Emits that chunk.
	 */
	public Mono<Chunk> readFirstChunkThenDisconnect(String path, String body) {
		return this.client.post()
			.uri(path)
			.send(ByteBufFlux.fromString(Mono.just(body)))
			.responseConnection((response, connection) -> connection.inbound()
				.receive()
				.map(buffer -> new Chunk(buffer.toString(StandardCharsets.UTF_8), System.nanoTime()))
				.take(1)
				.doFinally(signal -> connection.dispose()))
			.next();
	}

	/**
	 * One chunk of a response body, as one read delivered it.
	 *
	 * @param text the chunk's bytes as UTF-8
	 * @param arrivalNanos {@link System#nanoTime()} when it arrived
	 */
	public record Chunk(String text, long arrivalNanos) {

	}

	/**
	 * A response read to its end.
	 *
	 * @param status the HTTP status
	 * @param headers the response headers
	 * @param startNanos {@link System#nanoTime()} when the request was sent
	 * @param chunks the body, chunk by chunk, in arrival order
	 */
	public record Streamed(int status, HttpHeaders headers, long startNanos, List<Chunk> chunks) {

		/** The whole body. */
		public String body() {
			StringBuilder body = new StringBuilder();
			this.chunks.forEach(chunk -> body.append(chunk.text()));
			return body.toString();
		}

		/** The body cut after each blank line ({@code \n\n}), each event keeping its blank line. */
		public List<String> events() {
			List<String> events = new ArrayList<>();
			String body = body();
			int start = 0;
			int end;
			while ((end = body.indexOf("\n\n", start)) >= 0) {
				events.add(body.substring(start, end + 2));
				start = end + 2;
			}
			if (start < body.length()) {
				events.add(body.substring(start));
			}
			return events;
		}

		/** Milliseconds from the request to the arrival of chunk {@code index}. */
		public long arrivalMillis(int index) {
			return Duration.ofNanos(this.chunks.get(index).arrivalNanos() - this.startNanos).toMillis();
		}

	}

}
