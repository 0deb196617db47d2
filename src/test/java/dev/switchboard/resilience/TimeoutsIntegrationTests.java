package dev.switchboard.resilience;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.StreamingClient.Streamed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timeouts of one attempt: {@code first-byte-timeout} (to the response headers and, for a stream, to its first
 * whole event; the provider's {@code timeout} is its shorthand, a target's own value overrides the provider's) and
 * {@code idle-timeout} (the longest silence between events once a stream has started).
 * <p>
 * Provider {@code scripted}: {@code timeout: 1500ms}, {@code idle-timeout: 1s}. Route
 * {@code scripted-fast-first-byte}: scripted with {@code first-byte-timeout: 600ms}, then secondary.
 */
class TimeoutsIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String SECONDARY_STREAM = OpenAiFixtures.stream("llama-3.3-70b", "from", " secondary");

	private StreamingClient sse;

	@BeforeEach
	void streamingClient() {
		this.sse = new StreamingClient(baseUrl(), TEAM_A_KEY);
	}

	// first-byte-timeout: streams

	@Test
	void fallsBackWhenAStreamSendsItsHeadersButNoEventWithinTheTargetsFirstByteTimeout() throws InterruptedException {
		SCRIPTED.respond((request, response) -> headersNowThen(response,
				Flux.just(OpenAiFixtures.stream("s-1", "too", " late")).delaySubscription(Duration.ofSeconds(2))));
		stubSecondaryStream();

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted-fast-first-byte")).block(TIMEOUT);

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(streamed.headers().get("x-switchboard-model")).isEqualTo("llama-3.3-70b");
		assertThat(streamed.headers().get("x-switchboard-attempts")).as("the silent stream, then secondary's")
			.isEqualTo("2");
		assertThat(streamed.body()).as("secondary's stream only, unchanged").isEqualTo(SECONDARY_STREAM);
		long endMillis = streamed.arrivalMillis(streamed.chunks().size() - 1);
		assertThat(endMillis).as("the target's 600 ms first-byte timeout ended the first attempt")
			.isGreaterThanOrEqualTo(500)
			.as("well before scripted's first event (2 s), and not after the provider's own 1.5 s")
			.isLessThan(1500);
		assertThat(SCRIPTED.requestCount()).isEqualTo(1);
		assertThat(SCRIPTED.connectionClosed().await(5, TimeUnit.SECONDS))
			.as("the abandoned attempt's upstream connection is closed")
			.isTrue();
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void aTargetsFirstByteTimeoutOverridesTheProviders() {
		// first event after 1 s: within scripted's own 1.5 s, beyond the target's 600 ms
		SCRIPTED.respond((request, response) -> headersNowThen(response,
				Flux.just(OpenAiFixtures.stream("s-1", "from", " scripted")).delaySubscription(Duration.ofSeconds(1))));
		stubSecondaryStream();

		Streamed viaTarget = this.sse.post(CHAT, streamBody("scripted-fast-first-byte")).block(TIMEOUT);
		Streamed viaProvider = this.sse.post(CHAT, streamBody("scripted-then-secondary")).block(TIMEOUT);

		assertThat(viaTarget.headers().get("x-switchboard-provider"))
			.as("the route whose target sets first-byte-timeout: 600ms gave up on scripted")
			.isEqualTo("secondary");
		assertThat(viaTarget.body()).isEqualTo(SECONDARY_STREAM);
		assertThat(viaProvider.headers().get("x-switchboard-provider"))
			.as("the route that keeps the provider's 1.5 s waited for scripted's first event")
			.isEqualTo("scripted");
		assertThat(viaProvider.headers().get("x-switchboard-attempts")).isEqualTo("1");
		assertThat(viaProvider.body()).isEqualTo(OpenAiFixtures.stream("s-1", "from", " scripted"));
	}

	@Test
	void theProvidersTimeoutKeyIsTheFirstByteTimeoutOfAStream() {
		// scripted has only `timeout: 1500ms`; its first event comes after 2.5 s
		SCRIPTED.respond((request, response) -> headersNowThen(response,
				Flux.just(OpenAiFixtures.stream("s-1", "too", " late")).delaySubscription(Duration.ofMillis(2500))));
		stubSecondaryStream();

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted-then-secondary")).block(TIMEOUT);

		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(streamed.headers().get("x-switchboard-attempts")).isEqualTo("2");
		assertThat(streamed.body()).isEqualTo(SECONDARY_STREAM);
		assertThat(streamed.arrivalMillis(streamed.chunks().size() - 1))
			.as("`timeout: 1500ms` bounded the wait for the first event")
			.isGreaterThanOrEqualTo(1400)
			.isLessThan(2400);
	}

	@Test
	void sendsNoResponseHeadersToTheClientBeforeTheFirstEvent() {
		String stream = OpenAiFixtures.stream("s-1", "Hel", "lo");
		SCRIPTED.respond((request, response) -> headersNowThen(response,
				Flux.just(stream).delaySubscription(Duration.ofMillis(900))));

		HeadersTimed result = postTimingHeaders(streamBody("scripted")).block(TIMEOUT);

		assertThat(result.status()).isEqualTo(200);
		assertThat(result.body()).as("the stream, unchanged, from the one target").isEqualTo(stream);
		assertThat(result.headersMillis())
			.as("scripted sent its headers at once, but the gateway holds them until the first event (900 ms)")
			.isGreaterThanOrEqualTo(800);
	}

	@Test
	void fallsBackWhenAStreamEndsBeforeItsFirstEvent() {
		SCRIPTED.respond((request, response) -> headersNowThen(response,
				Mono.delay(Duration.ofMillis(100)).then(Mono.<String>empty())));
		stubSecondaryStream();

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted-then-secondary")).block(TIMEOUT);

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(streamed.headers().get("x-switchboard-attempts")).as("the empty stream, then secondary's")
			.isEqualTo("2");
		assertThat(streamed.body()).as("no error event of the empty stream, only secondary's")
			.isEqualTo(SECONDARY_STREAM);
	}

	@Test
	void fallsBackWhenTheUpstreamCutsAStreamBeforeItsFirstWholeEvent() {
		String half = "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"delta\":{\"content\":\"HALF";
		SCRIPTED.respond((request, response) -> headersNowThen(response, Flux.just(half)
			.concatWith(Mono.delay(Duration.ofMillis(200))
				.then(Mono.fromRunnable(() -> response.withConnection(Connection::dispose))))));
		stubSecondaryStream();

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted-then-secondary")).block(TIMEOUT);

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(streamed.headers().get("x-switchboard-attempts")).isEqualTo("2");
		assertThat(streamed.body()).doesNotContain("HALF").isEqualTo(SECONDARY_STREAM);
	}

	@Test
	void answers502WhenTheOnlyTargetsStreamSendsNoEventWithinTheFirstByteTimeout() throws InterruptedException {
		SCRIPTED.respond((request, response) -> headersNowThen(response, Flux.never()));

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = this.client.mutate()
			.responseTimeout(TIMEOUT)
			.build()
			.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(streamBody("scripted"))
			.exchange()
			.expectBody()
			.returnResult();
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertGatewayError(result, 502, "upstream_unavailable", "upstream_error");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		assertThat(elapsedMillis).as("scripted's 1.5 s first-byte timeout").isGreaterThanOrEqualTo(1400).isLessThan(3500);
		assertThat(SCRIPTED.connectionClosed().await(5, TimeUnit.SECONDS)).as("the silent stream was closed").isTrue();
	}

	// first-byte-timeout: one JSON answer

	@Test
	void aTargetsFirstByteTimeoutBoundsTheWaitForTheHeadersOfAJsonAnswer() {
		SCRIPTED.respond((request, response) -> Mono.delay(Duration.ofMillis(1000))
			.then(Mono.from(response.header("content-type", "application/json")
				.sendString(Mono.just(OpenAiFixtures.completion("s-1", "too late"))))));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("llama-3.3-70b", "from secondary"))));

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("scripted-fast-first-byte");
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(body(result)).contains("from secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		assertThat(elapsedMillis).as("600 ms, not scripted's 1 s nor its provider's 1.5 s")
			.isGreaterThanOrEqualTo(500)
			.isLessThan(1000);
	}

	@Test
	void theFirstByteTimeoutOfAJsonAnswerEndsWithItsHeaders() {
		// headers at once, the body 800 ms later: beyond the target's 600 ms, within scripted's 1 s idle timeout
		String completion = OpenAiFixtures.completion("s-1", "from scripted");
		SCRIPTED.respond((request, response) -> headersNowThen(response.header("content-type", "application/json"),
				Flux.just(completion).delaySubscription(Duration.ofMillis(800))));

		EntityExchangeResult<byte[]> result = chat("scripted-fast-first-byte");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider"))
			.as("the first-byte timeout covers the headers of a JSON answer, not its body")
			.isEqualTo("scripted");
		assertThat(body(result)).isEqualTo(completion);
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	// idle-timeout

	@Test
	void endsAStreamThatFallsSilentWithAnInterruptionErrorAndClosesTheUpstream() throws InterruptedException {
		String first = OpenAiFixtures.chunkEvent("s-1", "Hel");
		String second = OpenAiFixtures.chunkEvent("s-1", "lo");
		SCRIPTED.respond((request, response) -> eventStream(response).sendString(Flux.concat(Mono.just(first),
				Mono.delay(Duration.ofMillis(300)).thenReturn(second), Flux.<String>never())));

		// block() fails if the gateway aborts the response: completing means the HTTP response ended normally
		Streamed streamed = this.sse.post(CHAT, streamBody("scripted")).block(TIMEOUT);

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-attempts")).isEqualTo("1");
		List<String> events = streamed.events();
		assertThat(events).as("both events, then one error event").hasSize(3);
		assertThat(events.subList(0, 2)).containsExactly(first, second);
		assertInterruption(events.get(2));
		assertThat(streamed.body()).as("a stream ended by the gateway must not look complete").doesNotContain("[DONE]");
		long secondAt = arrivalOf(streamed, "\"lo\"");
		long errorAt = arrivalOf(streamed, "\"error\"");
		assertThat(errorAt - secondAt).as("the error came after 1 s of silence (scripted's idle-timeout)")
			.isGreaterThanOrEqualTo(900)
			.isLessThan(2500);
		assertThat(errorAt).as("within about 1-3 s of the request").isLessThan(3500);
		assertThat(SCRIPTED.connectionClosed().await(5, TimeUnit.SECONDS))
			.as("the silent upstream's connection was closed")
			.isTrue();
		assertThat(SCRIPTED.requestCount()).as("nothing was retried").isEqualTo(1);
	}

	@Test
	void neitherRetriesNorFallsBackWhenAStreamFallsSilentAfterItsFirstEvent() {
		String first = OpenAiFixtures.chunkEvent("s-1", "Hel");
		SCRIPTED.respond((request, response) -> eventStream(response)
			.sendString(Flux.concat(Mono.just(first), Flux.<String>never())));
		stubSecondaryStream();

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted-then-secondary")).block(TIMEOUT);

		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("scripted");
		assertThat(streamed.headers().get("x-switchboard-attempts")).isEqualTo("1");
		List<String> events = streamed.events();
		assertThat(events).hasSize(2);
		assertThat(events.get(0)).isEqualTo(first);
		assertInterruption(events.get(1));
		assertThat(streamed.body()).as("nothing of the second target's stream").doesNotContain("secondary");
		assertThat(SCRIPTED.requestCount()).isEqualTo(1);
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void keepsAStreamWhoseEventsComeMoreOftenThanTheIdleTimeout() {
		// six events 600 ms apart: 3 s in all, longer than both the first-byte (1.5 s) and idle (1 s) timeouts
		List<String> events = List.of(OpenAiFixtures.chunkEvent("s-1", "one"), OpenAiFixtures.chunkEvent("s-1", " two"),
				OpenAiFixtures.chunkEvent("s-1", " three"), OpenAiFixtures.chunkEvent("s-1", " four"),
				OpenAiFixtures.finishEvent("s-1"), OpenAiFixtures.DONE_EVENT);
		String stream = String.join("", events);
		SCRIPTED.respond((request, response) -> eventStream(response)
			.sendString(Flux.interval(Duration.ZERO, Duration.ofMillis(600)).take(events.size()).map(i -> events.get(i.intValue()))));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted")).block(TIMEOUT);

		assertThat(streamed.body()).as("the whole stream with its [DONE], nothing appended").isEqualTo(stream);
		assertThat(streamed.arrivalMillis(streamed.chunks().size() - 1)).isGreaterThanOrEqualTo(2500);
	}

	@Test
	void theIdleTimeoutStartsOnlyAfterTheFirstEvent() {
		// first event after 1.25 s: longer than scripted's idle-timeout (1 s), shorter than its timeout (1.5 s)
		String stream = OpenAiFixtures.stream("s-1", "Hel", "lo");
		SCRIPTED.respond((request, response) -> headersNowThen(response,
				Flux.just(stream).delaySubscription(Duration.ofMillis(1250))));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted")).block(TIMEOUT);

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("scripted");
		assertThat(streamed.body()).as("the wait for the first event is the first-byte timeout's, not the idle one's")
			.isEqualTo(stream);
	}

	/** POSTs {@code body} and tells when the response headers arrived. */
	private Mono<HeadersTimed> postTimingHeaders(String body) {
		HttpClient http = HttpClient.create(ConnectionProvider.newConnection())
			.baseUrl(baseUrl())
			.headers(headers -> headers.set("authorization", "Bearer " + TEAM_A_KEY)
				.set("content-type", "application/json"));
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return http.post()
				.uri(CHAT)
				.send(ByteBufFlux.fromString(Mono.just(body)))
				.responseConnection((response, connection) -> {
					long headersMillis = (System.nanoTime() - start) / 1_000_000;
					return connection.inbound()
						.receive()
						.asString(StandardCharsets.UTF_8)
						.collectList()
						.map(parts -> new HeadersTimed(response.status().code(), headersMillis, String.join("", parts)));
				})
				.next();
		});
	}

	private record HeadersTimed(int status, long headersMillis, String body) {

	}

	private static void stubSecondaryStream() {
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(SECONDARY_STREAM)));
	}

	private static HttpServerResponse eventStream(HttpServerResponse response) {
		return response.header("content-type", "text/event-stream");
	}

	/**
	 * Sends 200 and the headers (as an event stream unless a content type is set) at once, then {@code body} as it
	 * comes.
	 */
	private static Publisher<Void> headersNowThen(HttpServerResponse response, Publisher<String> body) {
		if (!response.responseHeaders().contains("content-type")) {
			eventStream(response);
		}
		return response.sendHeaders().then(response.sendString(body));
	}

	/** Milliseconds from the request to the arrival of the first chunk containing {@code text}. */
	private static long arrivalOf(Streamed streamed, String text) {
		for (int i = 0; i < streamed.chunks().size(); i++) {
			if (streamed.chunks().get(i).text().contains(text)) {
				return streamed.arrivalMillis(i);
			}
		}
		throw new AssertionError("no chunk contains " + text + " in " + streamed.body());
	}

	private static void assertInterruption(String event) {
		assertThat(event).as("an OpenAI error event").startsWith("data: {\"error\":").endsWith("}\n\n");
		JsonNode error = JSON.readTree(event.substring("data: ".length())).path("error");
		assertThat(error.path("type").asString()).isEqualTo("upstream_error");
		assertThat(error.path("code").asString()).isEqualTo("stream_interrupted");
		assertThat(error.path("message").asString()).as("says what happened").isNotBlank();
		assertThat(error.has("param") && error.path("param").isNull()).as("param is null").isTrue();
	}

	private static String body(EntityExchangeResult<byte[]> result) {
		byte[] bytes = result.getResponseBody();
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
	}

}
