package dev.switchboard.dispatch;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import dev.switchboard.testsupport.GatewayIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request body goes upstream as the client sent it, with only the model value replaced, on each endpoint's path.
 */
class RequestBodyForwardingIntegrationTests extends GatewayIntegrationTest {

	@Test
	void passesUnknownFieldsThroughByteForByte() {
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{}")));
		String before = "{\n  \"messages\" : [{\"role\":\"user\",\"content\":\"h\\u00e9llo \\\"q\\\" 日本 😀\"}],\n  \"model\":";
		String after = ", \"x_vendor\":{\"deep\":[1,2.50,1e3,null,true]}, \"big\":12345678901234567890,"
				+ " \"model_hint\":\"fast\", \"metadata\":{\"model\":\"fast\"}}\n";

		this.client.post()
			.uri("/v1/chat/completions")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue((before + "\"fast\"" + after).getBytes(StandardCharsets.UTF_8))
			.exchange()
			.expectStatus()
			.isOk();

		byte[] sent = PRIMARY.getAllServeEvents().get(0).getRequest().getBody();
		assertThat(new String(sent, StandardCharsets.UTF_8))
			.as("unknown fields, spacing, escapes, number spellings and look-alike fields are untouched")
			.isEqualTo(before + "\"gpt-4o-mini\"" + after);
	}

	@Test
	void sendsEachEndpointToItsPathUnderTheProvidersBaseUrl() {
		for (String path : new String[] { "/v1/chat/completions", "/v1/embeddings", "/v1/responses" }) {
			PRIMARY.stubFor(post(path).willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody("{}")));
			this.client.post()
				.uri(path)
				.header("Authorization", "Bearer " + TEAM_A_KEY)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"model\":\"fast\",\"input\":\"x\"}")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("x-switchboard-provider", "primary");

			PRIMARY.verify(1, postRequestedFor(urlEqualTo(path)));
		}
	}

}
