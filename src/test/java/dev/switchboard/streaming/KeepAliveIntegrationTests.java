package dev.switchboard.streaming;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.StreamingClient.Chunk;
import dev.switchboard.testsupport.StreamingClient.Streamed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route {@code scripted-keep-alive} (scripted, keep-alive 300 ms) and {@code scripted-slow-start} (scripted with
 * a first-byte timeout of 5 s, then secondary; keep-alive 1 s): {@code : ping} comments in a started stream's silences, and before its first event,
 * where the first ping commits the response.
 */
class KeepAliveIntegrationTests extends GatewayIntegrationTest {

	private StreamingClient sse;

	@BeforeEach
	void streamingClient() {
		this.sse = new StreamingClient(baseUrl(), TEAM_A_KEY);
	}

	@Test
	void sendsPingCommentsInASilenceLongerThanTheKeepAliveIntervalAndEndsTheStreamCleanly() {
		String first = OpenAiFixtures.chunkEvent("s-1", "thinking");
		String second = OpenAiFixtures.chunkEvent("s-1", "done");
		// 900 ms of silence between two events: under scripted's 1 s idle timeout, over three 300 ms intervals
		SCRIPTED.respond((request, response) -> response.header("content-type", "text/event-stream")
			.sendString(Flux.concat(Flux.just(first), Flux.just(second, OpenAiFixtures.DONE_EVENT)
				.delaySequence(Duration.ofMillis(900)))));

		Streamed streamed = this.sse.post("/v1/chat/completions", streamBody("scripted-keep-alive"))
			.block(Duration.ofSeconds(20));

		List<String> texts = streamed.chunks().stream().map(Chunk::text).toList();
		assertThat(texts.get(0)).isEqualTo(first);
		assertThat(texts.subList(1, texts.size() - 2)).as("pings fill the silence, nothing else does")
			.isNotEmpty()
			.allMatch(": ping\n\n"::equals);
		assertThat(texts.subList(texts.size() - 2, texts.size())).as("then the stream goes on and ends cleanly")
			.containsExactly(second, OpenAiFixtures.DONE_EVENT);
	}

	@Test
	void sendsNoPingWhileEventsComeMoreOftenThanTheInterval() {
		SCRIPTED.respond((request, response) -> response.header("content-type", "text/event-stream")
			.sendString(Flux.interval(Duration.ofMillis(100))
				.take(8)
				.map(i -> (i < 7) ? OpenAiFixtures.chunkEvent("s-1", "p" + i) : OpenAiFixtures.DONE_EVENT)));

		Streamed streamed = this.sse.post("/v1/chat/completions", streamBody("scripted-keep-alive"))
			.block(Duration.ofSeconds(20));

		assertThat(streamed.body()).doesNotContain(": ping").endsWith(OpenAiFixtures.DONE_EVENT);
	}


	@Test
	void pingsBeforeTheFirstEventCommitTheResponseWithTheCurrentTargetsHeaders() {
		String first = OpenAiFixtures.chunkEvent("s-1", "slow start");
		// 2.5 s to the first event: within the target's 5 s first-byte timeout, over two keep-alive intervals
		SCRIPTED.respond((request, response) -> response.header("content-type", "text/event-stream")
			.sendString(Flux.just(first, OpenAiFixtures.DONE_EVENT).delaySequence(Duration.ofMillis(2500))));

		Streamed streamed = this.sse.post("/v1/chat/completions", streamBody("scripted-slow-start"))
			.block(Duration.ofSeconds(20));

		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("scripted");
		assertThat(streamed.headers().get("content-type")).startsWith("text/event-stream");
		List<String> texts = streamed.chunks().stream().map(Chunk::text).toList();
		assertThat(texts.get(0)).as("the first ping goes out after one interval, before any event")
			.isEqualTo(": ping\n\n");
		assertThat(streamed.arrivalMillis(0)).isBetween(900L, 2400L);
		assertThat(streamed.body()).as("pings, then the stream as it came")
			.matches("(: ping\n\n){2,}" + java.util.regex.Pattern.quote(first + OpenAiFixtures.DONE_EVENT));
	}

	@Test
	void afterAnEarlyPingAFailedAttemptIsAnInBandErrorAndNoOtherTargetIsTried() {
		SCRIPTED.respond((request, response) -> Mono.delay(Duration.ofMillis(1600)).then(response.status(503).send()));

		Streamed streamed = this.sse.post("/v1/chat/completions", streamBody("scripted-slow-start"))
			.block(Duration.ofSeconds(20));

		assertThat(streamed.status()).as("committed by the ping").isEqualTo(200);
		List<String> events = streamed.events();
		assertThat(events.get(events.size() - 1)).as("the failure, in band")
			.startsWith("data: {\"error\":")
			.contains("\"code\":\"stream_interrupted\"");
		assertThat(streamed.body()).startsWith(": ping\n\n").doesNotContain("[DONE]");
		SECONDARY.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
	}

	@Test
	void aStreamWhoseFirstEventComesWithinTheIntervalCanStillFallBack() {
		SCRIPTED.respond((request, response) -> response.status(503).send());
		String stream = OpenAiFixtures.stream("llama-3.3-70b", "Hi");
		SECONDARY.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream)));

		Streamed streamed = this.sse.post("/v1/chat/completions", streamBody("scripted-slow-start"))
			.block(Duration.ofSeconds(20));

		assertThat(streamed.headers().get("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(streamed.body()).isEqualTo(stream);
	}

}
