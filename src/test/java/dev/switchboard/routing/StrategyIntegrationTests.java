package dev.switchboard.routing;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

class StrategyIntegrationTests extends GatewayIntegrationTest {

	@Test
	void roundRobinSpreadsRequestsEvenlyOverTheTargets() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(ok("p-model")));
		SECONDARY.stubFor(post("/v1/chat/completions").willReturn(ok("s-model")));

		for (int i = 0; i < 10; i++) {
			assertThat(chat("balanced").getStatus().value()).isEqualTo(200);
		}

		assertThat(PRIMARY.getAllServeEvents()).as("every second request starts on primary").hasSize(5);
		assertThat(SECONDARY.getAllServeEvents()).hasSize(5);
	}

	@Test
	void roundRobinStillFallsBackWhenTheChosenTargetFails() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(503)));
		SECONDARY.stubFor(post("/v1/chat/completions").willReturn(ok("s-model")));

		for (int i = 0; i < 4; i++) {
			this.client.post()
				.uri("/v1/chat/completions")
				.header("Authorization", "Bearer " + TEAM_A_KEY)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(chatBody("balanced"))
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("x-switchboard-provider", "secondary");
		}
		assertThat(SECONDARY.getAllServeEvents()).as("every request ends on secondary").hasSize(4);
		assertThat(PRIMARY.getAllServeEvents()).as("half of them started on primary and fell back").hasSize(2);
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String model) {
		return aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion(model, "hi"));
	}

}
