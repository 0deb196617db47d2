package dev.switchboard.cache;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayHeaders;

/**
 * Writes an answer the cache serves: a stored one (a hit), or the live answer of an identical request in flight (a
 * follower), in the form the client asked for.
 * <p>
 * A stream stored as a stream is replayed as its events, byte for byte what the first client received, in one write
 * (chunked, as any stream). A JSON client served from a stored stream gets the JSON answer assembled from it, a
 * stream client served from a stored JSON answer a well-formed stream; both in the client's format.
 */
final class CacheReplay {

	private static final Log logger = LogFactory.getLog(CacheReplay.class);

	/** {@code x-switchboard-cache}: what the cache did for this answer. */
	static final String HEADER = "x-switchboard-cache";

	private CacheReplay() {
	}

	/**
	 * Writes {@code stored}, already in the form the client asked for ({@link ConvertedForms}), as the answer;
	 * {@code result} is the header's value (hit or semantic-hit).
	 */
	static Mono<Void> write(ServerWebExchange exchange, CachedAnswer stored, String result) {
		ServerHttpResponse response = exchange.getResponse();
		head(exchange, stored.provider(), stored.model(), result);
		response.getHeaders().set(HttpHeaders.AGE, Long.toString(stored.ageSeconds(System.currentTimeMillis())));
		exchange.getAttributes().put(GatewayAttributes.USAGE, stored.usage());
		DataBufferFactory factory = response.bufferFactory();
		if (stored.stream()) {
			streamHeaders(response, stored.contentType());
			// the events in order, byte for byte as the first client received them, in one write and one flush: they
			// are all here, and a write and flush per event would only cost a system call each (23 of them for a
			// short answer) with nothing to wait for between them
			return response.writeWith(Mono.just(factory.wrap(stored.body())));
		}
		byte[] body = stored.body();
		response.getHeaders().set(HttpHeaders.CONTENT_TYPE, stored.contentType());
		response.getHeaders().setContentLength(body.length);
		return response.writeWith(Mono.just(factory.wrap(body)));
	}

	/**
	 * Writes a leader's stream as it comes: every event from the first, then the live ones. A leader whose stream
	 * is cut cuts this one too, which then ends with the in-band error of the client's format.
	 */
	static Mono<Void> live(ServerWebExchange exchange, CacheLookup lookup, Flight flight, Flight.Head head) {
		ServerHttpResponse response = exchange.getResponse();
		head(exchange, head.provider(), head.model(), "hit");
		response.getHeaders().set(HttpHeaders.AGE, "0");
		streamHeaders(response, head.contentType());
		DataBufferFactory factory = response.bufferFactory();
		Flux<DataBuffer> events = flight.events()
			.map(factory::wrap)
			// the usage is known once the leader's answer is whole, a moment after its last event
			.concatWith(flight.done()
				.doOnNext(answer -> exchange.getAttributes().put(GatewayAttributes.USAGE, answer.usage()))
				.onErrorResume(failure -> Mono.empty())
				.then(Mono.empty()))
			.onErrorResume(failure -> {
				exchange.getAttributes().put(GatewayAttributes.STREAM_INTERRUPTED, Boolean.TRUE);
				logger.warn("request_id=" + exchange.getAttribute(GatewayAttributes.REQUEST_ID)
						+ " stream interrupted: the identical request this one joined was cut");
				return Mono.just(factory.wrap(end(lookup.endpoint())
					.interruption("The upstream stream ended before it was complete.")));
			});
		return response.writeAndFlushWith(events.map(Mono::just));
	}

	private static void head(ServerWebExchange exchange, String provider, String model, String result) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.OK);
		HttpHeaders headers = response.getHeaders();
		headers.set(HEADER, result);
		headers.set(GatewayHeaders.PROVIDER, provider);
		headers.set(GatewayHeaders.MODEL, model);
		headers.set(GatewayHeaders.ATTEMPTS, "0");
		exchange.getAttributes().put(GatewayAttributes.CACHE_HIT, Boolean.TRUE);
		// no upstream time: the gateway's own share is all of it, to the commit
		Long start = exchange.getAttribute(GatewayAttributes.START_NANOS);
		if (start != null) {
			long nanos = Math.max(0, System.nanoTime() - start);
			exchange.getAttributes().put(GatewayAttributes.OVERHEAD_NANOS, nanos);
			headers.set(GatewayHeaders.OVERHEAD_MS, GatewayHeaders.millis(nanos));
		}
	}

	private static void streamHeaders(ServerHttpResponse response, String contentType) {
		response.getHeaders().set(HttpHeaders.CONTENT_TYPE, contentType);
		response.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-cache");
	}

	private static StreamEnd end(Endpoint endpoint) {
		return switch (endpoint) {
			case MESSAGES -> StreamEnd.ANTHROPIC_MESSAGES;
			case RESPONSES -> StreamEnd.OPENAI_RESPONSES;
			default -> StreamEnd.OPENAI_CHAT;
		};
	}

}
