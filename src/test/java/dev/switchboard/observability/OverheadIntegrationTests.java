package dev.switchboard.observability;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.StreamingClient.Streamed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code x-switchboard-overhead-ms} and {@code switchboard.overhead}: the gateway's time, upstream time left out. */
class OverheadIntegrationTests extends GatewayIntegrationTest {

	@Autowired
	private MeterRegistry meters;

	@Test
	void theOverheadLeavesOutTheUpstreamsTimeAndFailedAttemptsAndIsRecorded() {
		// 300 ms for the failure, 300 ms for the answer: 600 ms the gateway only waited for
		PRIMARY.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503).withFixedDelay(300)));
		SECONDARY.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withFixedDelay(300)
			.withBody(OpenAiFixtures.completion("llama-3.3-70b", "hi"))));
		long before = count("fast");

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = chat("fast");
		double totalMillis = (System.nanoTime() - start) / 1e6;

		String overhead = result.getResponseHeaders().getFirst("x-switchboard-overhead-ms");
		assertThat(overhead).matches("\\d+\\.\\d{3}");
		assertThat(totalMillis).isGreaterThan(600);
		assertThat(Double.parseDouble(overhead)).as("the 600 ms upstream time is not the gateway's")
			.isLessThan(totalMillis - 550);
		// recorded when the exchange completes, which may be just after the client has read the answer
		Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(count("fast")).isEqualTo(before + 1));
	}

	@Test
	void aStreamCarriesTheOverheadToItsFirstEvent() {
		SCRIPTED.respond((request, response) -> response.header("content-type", "text/event-stream")
			.sendString(Flux.just(OpenAiFixtures.chunkEvent("s-1", "hi"), OpenAiFixtures.DONE_EVENT)
				.delaySequence(Duration.ofMillis(400))));

		Streamed streamed = new StreamingClient(baseUrl(), TEAM_A_KEY).post("/v1/chat/completions", streamBody("scripted"))
			.block(Duration.ofSeconds(10));

		assertThat(Double.parseDouble(streamed.headers().get("x-switchboard-overhead-ms")))
			.as("the 400 ms to the first event were the upstream's").isLessThan(300);
	}

	private long count(String route) {
		Timer timer = this.meters.find(GatewayMetrics.OVERHEAD).tag("route", route).timer();
		return (timer != null) ? timer.count() : 0;
	}

}
