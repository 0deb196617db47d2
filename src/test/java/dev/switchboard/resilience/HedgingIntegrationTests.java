package dev.switchboard.resilience;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.StreamingClient.Streamed;
import dev.switchboard.testsupport.UpstreamPool;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route {@code hedged}: {@code hedge-after: 200ms}, scripted then secondary. A slow first target gets the second one
 * started beside it; the first answer wins and the loser is cancelled, its connection closed.
 */
class HedgingIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	@Autowired
	private MeterRegistry meters;

	private StreamingClient sse;

	@BeforeEach
	void streamingClient() {
		this.sse = new StreamingClient(baseUrl(), TEAM_A_KEY);
	}

	@Test
	void aSlowFirstTargetIsHedgedAndTheHedgeWinsAndTheLoserIsClosed() throws Exception {
		SCRIPTED.respond((request, response) -> Mono.delay(Duration.ofSeconds(1))
			.then(response.header("content-type", "application/json")
				.sendString(Mono.just(OpenAiFixtures.completion("s-1", "too late")))
				.then()));
		stubAnswer(SECONDARY, "llama-3.3-70b", 0);
		double started = hedges("started");
		double hedgeWon = hedges("hedge_won");

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("hedged");
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).as("both requests count")
			.isEqualTo("2");
		assertThat(new String(result.getResponseBodyContent())).contains("from llama-3.3-70b").doesNotContain("too late");
		assertThat(millis).as("the hedge started at 200 ms, long before the first target's 1 s").isBetween(150L, 900L);
		assertThat(SCRIPTED.connectionClosed().await(5, TimeUnit.SECONDS)).as("the loser's connection is closed")
			.isTrue();
		UpstreamPool.assertNoConnectionInUse(SCRIPTED.baseUrl());
		assertThat(hedges("started")).isEqualTo(started + 1);
		assertThat(hedges("hedge_won")).as("one answer, the hedge's").isEqualTo(hedgeWon + 1);
	}

	@Test
	void aFirstTargetAnsweringWithinTheHeadStartIsNeverHedged() {
		SCRIPTED.respond((request, response) -> Mono.delay(Duration.ofMillis(30))
			.then(response.header("content-type", "application/json")
				.sendString(Mono.just(OpenAiFixtures.completion("s-1", "in time")))
				.then()));
		double started = hedges("started");

		EntityExchangeResult<byte[]> result = chat("hedged");

		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("scripted");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
		assertThat(hedges("started")).isEqualTo(started);
	}

	@Test
	void theOriginalWinsWhenItAnswersBeforeTheHedgeAndTheHedgeIsCancelled() {
		SCRIPTED.respond((request, response) -> Mono.delay(Duration.ofMillis(400))
			.then(response.header("content-type", "application/json")
				.sendString(Mono.just(OpenAiFixtures.completion("s-1", "original")))
				.then()));
		stubAnswer(SECONDARY, "llama-3.3-70b", 3000);
		double originalWon = hedges("original_won");

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("hedged");
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("scripted");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("2");
		assertThat(new String(result.getResponseBodyContent())).contains("original");
		assertThat(millis).as("the hedge's 3 s answer is not waited for").isLessThan(2500L);
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
		assertThat(hedges("original_won")).isEqualTo(originalWon + 1);
	}

	@Test
	void aFirstTargetFailingWithinTheHeadStartFallsBackAtOnceWithoutAHedge() {
		SCRIPTED.respond((request, response) -> response.status(503).send());
		stubAnswer(SECONDARY, "llama-3.3-70b", 0);
		double started = hedges("started");

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("hedged");
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(millis).as("no wait for the head start").isLessThan(180L);
		assertThat(hedges("started")).isEqualTo(started);
	}

	@Test
	void aStreamWithoutAFirstEventIsHedgedAndOnlyTheWinnersEventsReachTheClient() throws Exception {
		// headers at once, then no event for 1 s: the first byte of a stream is its first event
		SCRIPTED.respond((request, response) -> response.header("content-type", "text/event-stream")
			.sendString(Flux.just(OpenAiFixtures.chunkEvent("s-1", "late"), OpenAiFixtures.DONE_EVENT)
				.delaySequence(Duration.ofSeconds(1))));
		String stream = OpenAiFixtures.stream("llama-3.3-70b", "Hi", " there");
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream)));

		Streamed streamed = this.sse.post(CHAT, streamBody("hedged")).block(Duration.ofSeconds(10));

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(streamed.body()).isEqualTo(stream);
		assertThat(SCRIPTED.connectionClosed().await(5, TimeUnit.SECONDS)).as("the loser's connection is closed")
			.isTrue();
		UpstreamPool.assertNoConnectionInUse(SCRIPTED.baseUrl());
	}

	private double hedges(String outcome) {
		Counter counter = this.meters.find(GatewayMetrics.HEDGES)
			.tag("route", "hedged")
			.tag("provider", "scripted")
			.tag("outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static void stubAnswer(com.github.tomakehurst.wiremock.WireMockServer server, String model, int delayMillis) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion(model, "from " + model))
			.withFixedDelay(delayMillis)));
	}

}
