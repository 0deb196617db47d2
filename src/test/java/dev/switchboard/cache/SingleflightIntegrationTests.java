package dev.switchboard.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identical requests in flight at the same time make one upstream call: JSON and streaming clients alike, followers
 * of a stream get every event from the first, a follower leaving does not cancel the leader, and a leader failing
 * sends each follower upstream on its own. The clients are non-blocking (WebClient), so 50 requests are really in
 * flight together.
 */
class SingleflightIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private WebClient web;

	@BeforeEach
	void webClient() {
		this.web = WebClient.builder().baseUrl(baseUrl()).defaultHeader("Authorization", "Bearer " + TEAM_A_KEY).build();
	}

	@Test
	void fiftyConcurrentIdenticalJsonRequestsMakeOneUpstreamCallAndAllGetTheAnswer() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("c-model", "One for all"))
			.withFixedDelay(1000)));
		String body = ResponseCacheIntegrationTests.chatBody("cached", ResponseCacheIntegrationTests.prompt());

		List<Reply> replies = Flux.range(0, 50).flatMap(i -> send(body), 50).collectList().block(Duration.ofSeconds(30));

		assertThat(replies).hasSize(50).allSatisfy(reply -> {
			assertThat(reply.status()).isEqualTo(200);
			assertThat(reply.body()).contains("One for all");
		});
		assertThat(replies).filteredOn(reply -> "miss".equals(reply.cache())).as("one leader").hasSize(1);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void fiftyConcurrentIdenticalStreamsMakeOneUpstreamCallAndEachGetsEveryEvent() {
		String events = OpenAiFixtures.stream("c-model", "Every ", "event ", "from ", "the ", "first");
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(events)
			.withChunkedDribbleDelay(8, 1000)));
		String body = ResponseCacheIntegrationTests.streamBody("cached", ResponseCacheIntegrationTests.prompt());

		List<Reply> replies = Flux.range(0, 50).flatMap(i -> send(body), 50).collectList().block(Duration.ofSeconds(30));

		assertThat(replies).hasSize(50).allSatisfy(reply -> {
			assertThat(reply.status()).isEqualTo(200);
			assertThat(reply.body()).as("the upstream's events, byte for byte").isEqualTo(events);
		});
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void aFollowerThatLeavesDoesNotCancelTheLeader() throws InterruptedException {
		String events = OpenAiFixtures.stream("c-model", "Still ", "going ", "after ", "you ", "left");
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(events)
			.withChunkedDribbleDelay(8, 1200)));
		String body = ResponseCacheIntegrationTests.streamBody("cached", ResponseCacheIntegrationTests.prompt());

		Mono<Reply> leader = send(body).cache();
		leader.subscribe();
		Thread.sleep(200);
		new StreamingClient(baseUrl(), TEAM_A_KEY).readFirstChunkThenDisconnect(CHAT, body).block(Duration.ofSeconds(10));

		Reply led = leader.block(Duration.ofSeconds(10));
		assertThat(led.body()).as("the leader's stream, whole").isEqualTo(events);
		Reply after = send(body).block(Duration.ofSeconds(10));
		assertThat(after.cache()).isEqualTo("hit");
		assertThat(after.body()).isEqualTo(events);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void aLeaderStreamCutMidWayCutsItsStreamingFollowersWithTheInBandErrorAndIsNotStored() throws InterruptedException {
		String events = OpenAiFixtures.chunkEvent("c-model", "Cut ") + OpenAiFixtures.chunkEvent("c-model", "short");
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(events)
			.withChunkedDribbleDelay(4, 800)));
		String body = ResponseCacheIntegrationTests.streamBody("cached", ResponseCacheIntegrationTests.prompt());

		Mono<Reply> leader = send(body).cache();
		leader.subscribe();
		Thread.sleep(200);
		Reply follower = send(body).block(Duration.ofSeconds(10));

		assertThat(follower.cache()).isEqualTo("hit");
		assertThat(follower.body()).as("the leader's events, then the cut").startsWith(events)
			.contains("\"code\":\"stream_interrupted\"")
			.doesNotContain("[DONE]");
		assertThat(leader.block(Duration.ofSeconds(10)).body()).contains("stream_interrupted");
		assertThat(send(body).block(Duration.ofSeconds(10)).cache()).as("a cut stream is not stored").isEqualTo("miss");
	}

	@Test
	void aLeaderThatFailsSendsEachFollowerUpstreamOnItsOwn() throws InterruptedException {
		PRIMARY.stubFor(post(CHAT).inScenario("leader fails").whenScenarioStateIs(STARTED)
			.willReturn(aResponse().withStatus(500).withFixedDelay(800)
				.withBody(OpenAiFixtures.error("boom", "server_error", "boom")))
			.willSetStateTo("recovered"));
		PRIMARY.stubFor(post(CHAT).inScenario("leader fails").whenScenarioStateIs("recovered")
			.willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody(OpenAiFixtures.completion("c-model", "On my own"))));
		String body = ResponseCacheIntegrationTests.chatBody("cached", ResponseCacheIntegrationTests.prompt());

		Mono<Reply> leader = send(body).cache();
		leader.subscribe();
		Thread.sleep(250);
		List<Reply> followers = Flux.range(0, 3).flatMap(i -> send(body)).collectList().block(Duration.ofSeconds(15));

		assertThat(leader.block(Duration.ofSeconds(10)).status()).as("every target failed").isEqualTo(502);
		assertThat(followers).hasSize(3).allSatisfy(reply -> {
			assertThat(reply.status()).isEqualTo(200);
			assertThat(reply.body()).contains("On my own");
		});
		PRIMARY.verify(4, postRequestedFor(urlEqualTo(CHAT)));
	}

	@Test
	void withStreamsFromJsonOffAStreamAndAJsonRequestInFlightTogetherEachGetItsOwnFormAndTheStreamIsKept() {
		String events = OpenAiFixtures.stream("c-model", "A ", "stream ", "of ", "its ", "own");
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("c-model", "Slow and whole"))
			.withFixedDelay(1000)));
		PRIMARY.stubFor(post(CHAT).atPriority(1).withRequestBody(ResponseCacheIntegrationTests.STREAMING)
			.willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "text/event-stream")
				.withBody(events)
				.withChunkedDribbleDelay(4, 200)));
		String text = ResponseCacheIntegrationTests.prompt();
		String json = ResponseCacheIntegrationTests.chatBody("cached-streams", text);
		String stream = ResponseCacheIntegrationTests.streamBody("cached-streams", text);

		// the JSON request leads first; the stream, sent while it is in flight, must not follow it
		List<Reply> inArrivalOrder = Flux.merge(send(json), Mono.delay(Duration.ofMillis(100)).then(send(stream)))
			.collectList()
			.block(Duration.ofSeconds(15));
		Reply replayed = send(stream).block(Duration.ofSeconds(10));
		Reply assembled = send(json).block(Duration.ofSeconds(10));

		assertThat(inArrivalOrder).hasSize(2);
		Reply streamed = inArrivalOrder.get(0);
		assertThat(streamed.body()).as("the provider's stream, ended before the slow JSON answer").isEqualTo(events);
		assertThat(streamed.cache()).isEqualTo("miss");
		assertThat(inArrivalOrder.get(1).cache()).isEqualTo("miss");
		assertThat(inArrivalOrder.get(1).body()).contains("Slow and whole");
		assertThat(replayed.cache()).as("the JSON answer, stored after it, did not replace the stream").isEqualTo("hit");
		assertThat(replayed.body()).isEqualTo(events);
		assertThat(assembled.cache()).isEqualTo("hit");
		assertThat(assembled.body()).contains("A stream of its own");
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));
	}

	private Mono<Reply> send(String body) {
		return this.web.post()
			.uri(CHAT)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono(response -> DataBufferUtils.join(response.bodyToFlux(DataBuffer.class))
				.map(joined -> {
					String text = joined.toString(StandardCharsets.UTF_8);
					DataBufferUtils.release(joined);
					return text;
				})
				.defaultIfEmpty("")
				.map(text -> new Reply(response.statusCode().value(),
						response.headers().asHttpHeaders().getFirst("x-switchboard-cache"), text)));
	}

	private record Reply(int status, String cache, String body) {
	}

}
