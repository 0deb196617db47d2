package dev.switchboard.streaming;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.StreamingClient.Chunk;
import dev.switchboard.testsupport.StreamingClient.Streamed;

import static org.assertj.core.api.Assertions.assertThat;

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

}
