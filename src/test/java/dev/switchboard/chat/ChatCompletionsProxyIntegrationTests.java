package dev.switchboard.chat;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class ChatCompletionsProxyIntegrationTests extends GatewayIntegrationTest {

	@Test
	void aliasGoesToFirstTargetWithModelRewrittenAndProviderKey() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "Hi!"))));

		this.client.post()
			.uri("/v1/chat/completions")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"fast\",\"temperature\":0.25,\"seed\":7,\"user\":\"u-1\",\"x_unknown\":{\"a\":[1,2]},"
					+ "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-switchboard-provider", "primary")
			.expectHeader()
			.valueEquals("x-switchboard-model", "gpt-4o-mini")
			.expectHeader()
			.valueEquals("x-switchboard-attempts", "1")
			.expectHeader()
			.exists("x-request-id")
			.expectBody()
			.jsonPath("$.choices[0].message.content")
			.isEqualTo("Hi!");

		PRIMARY.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withHeader("Authorization", equalTo("Bearer " + PRIMARY_PROVIDER_KEY))
			.withHeader("x-provider-extra", equalTo("primary-extra"))
			.withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini\",\"temperature\":0.25,\"seed\":7,\"user\":\"u-1\","
					+ "\"x_unknown\":{\"a\":[1,2]},\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")));
		String sent = PRIMARY.getAllServeEvents().get(0).getRequest().getBodyAsString();
		assertThat(sent).as("only the model value changes; the rest is byte for byte what the client sent")
			.isEqualTo("{\"model\":\"gpt-4o-mini\",\"temperature\":0.25,\"seed\":7,\"user\":\"u-1\",\"x_unknown\":{\"a\":[1,2]},"
					+ "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
	}

}
