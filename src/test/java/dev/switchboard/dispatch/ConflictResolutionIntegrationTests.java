package dev.switchboard.dispatch;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class ConflictResolutionIntegrationTests extends GatewayIntegrationTest {

	private static final String BODY = "{\"model\":\"tools-then-plain\",\"temperature\":0.5,"
			+ "\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}],"
			+ "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"parameters\":{}}}],"
			+ "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false}";

	@Test
	void dropToolsCutsTheToolFieldsForThatTargetOnly() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(503)));
		SECONDARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("s-model", "Sunny"))));

		this.client.post()
			.uri("/v1/chat/completions")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(BODY)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-switchboard-provider", "secondary");

		PRIMARY.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson(
				BODY.replace("\"model\":\"tools-then-plain\"", "\"model\":\"p-model\""))));
		SECONDARY.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson(
				"{\"model\":\"s-model\",\"temperature\":0.5,\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}")));
		assertThat(SECONDARY.getAllServeEvents().get(0).getRequest().getBodyAsString())
			.as("no tool field at all reaches the target that cannot take them")
			.doesNotContain("tool");
	}

}
