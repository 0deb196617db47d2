package dev.switchboard.observability;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's logs (access log at DEBUG in profile {@code it}, failed attempts at INFO) name requests by id and
 * never carry a key.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogsIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	@Test
	void neverLogAKey(CapturedOutput output) {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(503)));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("s-model", "Hi"))));
		THIRD.stubFor(post(CHAT).willReturn(aResponse().withStatus(500)));

		chat(TEAM_A_KEY, "fast", "log-req-ok");
		chat(LIMITED_KEY, "chain", "log-req-forbidden");
		chat(HASHED_KEY, "primary/gpt-4.1", "log-req-failed");
		chat("sk-unknown-key-777", "fast", "log-req-unknown");
		chat(TEAM_A_KEY, "dead-first", "log-req-refused");

		// the access log line is written when each exchange is over
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getOut()).as("the logs are captured and name the requests")
				.contains("request_id=log-req-ok")
				.contains("request_id=log-req-forbidden")
				.contains("request_id=log-req-failed")
				.contains("request_id=log-req-unknown")
				.contains("request_id=log-req-refused"));
		assertThat(output.getAll()).as("no gateway or provider key, nor a presented one")
			.doesNotContain(MetricsIntegrationTests.SECRETS)
			.doesNotContain("sk-unknown-key-777")
			.doesNotContain("SECRET");
	}

	private void chat(String key, String model, String requestId) {
		this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + key)
			.header("x-request-id", requestId)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody(model))
			.exchange()
			.expectBody()
			.returnResult();
	}

}
