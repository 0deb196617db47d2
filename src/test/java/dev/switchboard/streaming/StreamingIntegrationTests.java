package dev.switchboard.streaming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.UpstreamPool;
import dev.switchboard.testsupport.StreamingClient.Chunk;
import dev.switchboard.testsupport.StreamingClient.Streamed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event streams through the booted gateway: events keep their timing and their bytes, a stream cut upstream ends with
 * an in-band error instead of {@code [DONE]}, a client that leaves closes the upstream request, and nothing is retried
 * once the stream has started.
 */
class StreamingIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private StreamingClient sse;

	@BeforeEach
	void streamingClient() {
		this.sse = new StreamingClient(baseUrl(), TEAM_A_KEY);
	}

	@Test
	void forwardsEachEventAsItArrivesWithoutBufferingOrCoalescing() {
		List<String> events = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			events.add(OpenAiFixtures.chunkEvent("s-1", "part-" + i));
		}
		events.add(OpenAiFixtures.DONE_EVENT);
		List<Long> sentNanos = new CopyOnWriteArrayList<>();
		SCRIPTED.respond((request, response) -> eventStream(response)
			.sendString(Flux.interval(Duration.ZERO, Duration.ofMillis(300)).take(events.size()).map(i -> {
				sentNanos.add(System.nanoTime());
				return events.get(i.intValue());
			})));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted")).block(TIMEOUT);

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.chunks()).extracting(Chunk::text)
			.as("events sent 300 ms apart reach the client one per write, whole and unchanged")
			.containsExactlyElementsOf(events);
		long firstArrival = streamed.chunks().get(0).arrivalNanos();
		long lastArrival = streamed.chunks().get(events.size() - 1).arrivalNanos();
		long lastSent = sentNanos.get(events.size() - 1);
		assertThat(Duration.ofNanos(lastSent - firstArrival))
			.as("the first event reached the client well before the upstream sent the last one")
			.isGreaterThan(Duration.ofMillis(800));
		assertThat(Duration.ofNanos(lastArrival - firstArrival))
			.as("the events reached the client spread as the upstream sent them (1.8 s), not in one burst")
			.isGreaterThanOrEqualTo(Duration.ofMillis(1200));
		assertThat(Duration.ofNanos(lastArrival - streamed.startNanos()))
			.as("the stream outlives the provider's 1.5 s timeout, which covers only the response headers")
			.isGreaterThanOrEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void passesTheBytesOfACompleteStreamThroughUnchanged() {
		String stream = OpenAiFixtures.stream("gpt-4o-mini", "Hel", "lo, ", "wor", "ld", "! \\\"quoted\\\" \\u00e9");
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream; charset=utf-8")
			.withHeader("openai-processing-ms", "42")
			.withBody(stream)
			.withChunkedDribbleDelay(9, 450)));

		Streamed streamed = this.sse.post(CHAT, streamBody("fast")).block(TIMEOUT);

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("content-type")).as("the upstream's content type")
			.isEqualTo("text/event-stream; charset=utf-8");
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("primary");
		assertThat(streamed.headers().get("x-switchboard-model")).isEqualTo("gpt-4o-mini");
		assertThat(streamed.headers().get("x-switchboard-attempts")).isEqualTo("1");
		assertThat(streamed.headers().get("openai-processing-ms")).as("provider headers pass").isEqualTo("42");
		assertThat(streamed.headers().contains("content-length")).as("a stream has no length").isFalse();
		assertThat(streamed.body()).as("byte for byte what the upstream sent, nothing appended").isEqualTo(stream);
		assertThat(streamed.chunks()).extracting(Chunk::text)
			.as("the upstream dribbled the body cut mid-event; the gateway writes whole events only")
			.allSatisfy(text -> assertThat(text).endsWith("\n\n"))
			.hasSizeGreaterThan(1);
	}

	@Test
	void endsCleanlyWhenAStreamWithCrlfSeparatorsEndsWithDone() {
		String stream = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n";
		SCRIPTED.respond((request, response) -> eventStream(response).sendString(Flux.just(stream.substring(0, 20),
				stream.substring(20, 50), stream.substring(50))));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted")).block(TIMEOUT);

		assertThat(streamed.body()).as("[DONE] ended by CRLF is a clean end: nothing appended").isEqualTo(stream);
	}

	@Test
	void appendsAnInterruptionErrorWhenTheUpstreamClosesTheConnectionMidStream() throws InterruptedException {
		String first = OpenAiFixtures.chunkEvent("s-1", "Hel");
		String second = OpenAiFixtures.chunkEvent("s-1", "lo");
		SCRIPTED.respond((request, response) -> sendThenCloseConnection(response, first, second));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted")).block(TIMEOUT);

		assertThat(streamed.status()).as("the status went out with the first event").isEqualTo(200);
		List<String> events = streamed.events();
		assertThat(events).as("both events, then one error event").hasSize(3);
		assertThat(events.subList(0, 2)).containsExactly(first, second);
		assertInterruption(events.get(2));
		assertThat(streamed.body()).as("a cut stream must not look complete").doesNotContain("[DONE]");
		UpstreamPool.assertNoConnectionInUse(SCRIPTED.baseUrl());
	}

	@Test
	void appendsAnInterruptionErrorWhenTheUpstreamEndsTheBodyWithoutDone() {
		String content = OpenAiFixtures.chunkEvent("s-1", "Hello");
		String finish = OpenAiFixtures.finishEvent("s-1");
		SCRIPTED.respond((request, response) -> eventStream(response).sendString(Flux.just(content, finish)));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted")).block(TIMEOUT);

		List<String> events = streamed.events();
		assertThat(events).hasSize(3);
		assertThat(events.subList(0, 2)).containsExactly(content, finish);
		assertInterruption(events.get(2));
		assertThat(streamed.body()).doesNotContain("[DONE]");
	}

	@Test
	void neverForwardsHalfAnEventCutByTheUpstream() {
		String first = OpenAiFixtures.chunkEvent("s-1", "Hel");
		String second = OpenAiFixtures.chunkEvent("s-1", "lo");
		String half = "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"delta\":{\"content\":\"HALF";
		SCRIPTED.respond((request, response) -> sendThenCloseConnection(response, first, second + half));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted")).block(TIMEOUT);

		assertThat(streamed.body()).as("the unfinished event is dropped, not written half").doesNotContain("HALF");
		List<String> events = streamed.events();
		assertThat(events).hasSize(3);
		assertThat(events.subList(0, 2)).containsExactly(first, second);
		assertInterruption(events.get(2));
		assertThat(streamed.chunks()).extracting(Chunk::text)
			.as("every write ends at an event boundary")
			.allSatisfy(text -> assertThat(text).endsWith("\n\n"));
	}

	@Test
	void neitherRetriesNorFallsBackOnceTheStreamHasStarted() {
		String first = OpenAiFixtures.chunkEvent("s-1", "Hel");
		SCRIPTED.respond((request, response) -> sendThenCloseConnection(response, first));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("llama-3.3-70b", "other"))));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted-then-secondary")).block(TIMEOUT);

		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("scripted");
		assertThat(streamed.headers().get("x-switchboard-attempts")).isEqualTo("1");
		List<String> events = streamed.events();
		assertThat(events).hasSize(2);
		assertThat(events.get(0)).isEqualTo(first);
		assertInterruption(events.get(1));
		assertThat(streamed.body()).as("nothing of the second target's stream").doesNotContain("other");
		assertThat(SCRIPTED.requestCount()).as("the cut stream is not requested again").isEqualTo(1);
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void closesTheUpstreamConnectionWhenTheClientDisconnects() throws InterruptedException {
		AtomicInteger sent = new AtomicInteger();
		CountDownLatch upstreamClosed = new CountDownLatch(1);
		SCRIPTED.respond((request, response) -> {
			response.withConnection(connection -> connection.onDispose(upstreamClosed::countDown));
			// an event every 100 ms for a minute
			return eventStream(response)
				.sendString(Flux.interval(Duration.ZERO, Duration.ofMillis(100)).take(600).map(i -> {
					sent.incrementAndGet();
					return OpenAiFixtures.chunkEvent("s-1", "tick-" + i);
				}));
		});

		Chunk first = this.sse.readFirstChunkThenDisconnect(CHAT, streamBody("scripted")).block(TIMEOUT);

		assertThat(first.text()).isEqualTo(OpenAiFixtures.chunkEvent("s-1", "tick-0"));
		assertThat(upstreamClosed.await(5, TimeUnit.SECONDS))
			.as("the gateway closed the request's upstream connection soon after the client left")
			.isTrue();
		assertThat(SCRIPTED.connectionClosed().await(0, TimeUnit.SECONDS)).isTrue();
		int sentWhenClosed = sent.get();
		assertThat(sentWhenClosed).as("the upstream stopped long before the end of its stream").isLessThan(100);
		Thread.sleep(500);
		assertThat(sent.get()).as("no event is produced for a connection that is gone")
			.isLessThanOrEqualTo(sentWhenClosed + 1);
		assertThat(SCRIPTED.requestCount()).as("nothing was retried").isEqualTo(1);
		UpstreamPool.assertNoConnectionInUse(SCRIPTED.baseUrl());
	}

	@Test
	void deliversEveryEventOfALongStreamInOrderToASlowReader() {
		int count = 400;
		List<String> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(OpenAiFixtures.chunkEvent("s-1", "part-" + i + "-" + "x".repeat(200)));
		}
		events.add(OpenAiFixtures.DONE_EVENT);
		SCRIPTED.respond((request, response) -> eventStream(response).sendString(Flux.fromIterable(events)));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted"), Duration.ofMillis(1)).block(TIMEOUT);

		assertThat(streamed.events()).as("more events than any prefetch, none lost, none reordered, clean end")
			.containsExactlyElementsOf(events);
	}

	@Test
	void mockProviderStreamsTheTextOfItsNonStreamedAnswer() {
		String messages = "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
				+ "{\"role\":\"user\",\"content\":\"How does a gateway route a request?\"}]";
		String answer = this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"demo\"," + messages + "}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		JsonNode completion = JSON.readTree(answer);

		Streamed streamed = this.sse
			.post(CHAT, "{\"model\":\"demo\",\"stream\":true,\"stream_options\":{\"include_usage\":true}," + messages + "}")
			.block(TIMEOUT);

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("content-type")).startsWith("text/event-stream");
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("mock");
		List<String> events = streamed.events();
		assertThat(events).as("a clean end").last().isEqualTo(OpenAiFixtures.DONE_EVENT);
		StringBuilder text = new StringBuilder();
		int contentChunks = 0;
		JsonNode usage = null;
		for (String event : events.subList(0, events.size() - 1)) {
			assertThat(event).startsWith("data: ");
			JsonNode chunk = JSON.readTree(event.substring("data: ".length()));
			assertThat(chunk.path("object").asString()).isEqualTo("chat.completion.chunk");
			String content = chunk.path("choices").path(0).path("delta").path("content").asString("");
			if (!content.isEmpty()) {
				contentChunks++;
				text.append(content);
			}
			if (chunk.has("usage")) {
				usage = chunk.path("usage");
			}
		}
		assertThat(contentChunks).as("the answer is streamed in pieces").isGreaterThanOrEqualTo(2);
		assertThat(text.toString()).as("the pieces make up the non-streamed answer")
			.isEqualTo(completion.path("choices").path(0).path("message").path("content").asString())
			.isNotEmpty();
		assertThat(usage).as("a usage chunk before [DONE]").isNotNull();
		assertThat(usage.path("total_tokens").asInt())
			.isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
		assertThat(usage).as("the same usage as the non-streamed answer").isEqualTo(completion.path("usage"));
	}

	@Test
	void fallsBackToTheNextTargetWhenTheUpstreamAnswers503BeforeTheFirstByte() {
		SCRIPTED.respond((request, response) -> response.status(503)
			.header("content-type", "application/json")
			.sendString(Mono.just(OpenAiFixtures.error("overloaded", "server_error", "overloaded"))));
		String stream = OpenAiFixtures.stream("llama-3.3-70b", "Hi", " there");
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream)
			.withChunkedDribbleDelay(4, 200)));

		Streamed streamed = this.sse.post(CHAT, streamBody("scripted-then-secondary")).block(TIMEOUT);

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(streamed.headers().get("x-switchboard-model")).isEqualTo("llama-3.3-70b");
		assertThat(streamed.headers().get("x-switchboard-attempts")).as("the 503, then the stream").isEqualTo("2");
		assertThat(streamed.body()).as("only the second target's stream, unchanged").isEqualTo(stream);
		assertThat(SCRIPTED.requestCount()).isEqualTo(1);
	}

	private static void assertInterruption(String event) {
		assertThat(event).as("an OpenAI error event").startsWith("data: {\"error\":").endsWith("}\n\n");
		JsonNode error = JSON.readTree(event.substring("data: ".length())).path("error");
		assertThat(error.path("type").asString()).isEqualTo("upstream_error");
		assertThat(error.path("code").asString()).isEqualTo("stream_interrupted");
		assertThat(error.path("message").asString()).as("says what happened").isNotBlank();
		assertThat(error.has("param") && error.path("param").isNull()).as("param is null").isTrue();
	}

	private static HttpServerResponse eventStream(HttpServerResponse response) {
		return response.header("content-type", "text/event-stream");
	}

	/**
	 * Sends {@code parts}, one write each, then closes the connection without ending the chunked body: the upstream
	 * went away mid-stream.
	 */
	private static Publisher<Void> sendThenCloseConnection(HttpServerResponse response, String... parts) {
		Mono<String> close = Mono.delay(Duration.ofMillis(200))
			.then(Mono.fromRunnable(() -> response.withConnection(Connection::dispose)));
		return eventStream(response).sendString(Flux.fromArray(parts).concatWith(close));
	}

}
