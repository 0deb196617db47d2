package dev.switchboard.routing;

import org.junit.jupiter.api.Test;

import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static dev.switchboard.testsupport.GatewayErrors.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resolving the requested model: a route alias, or {@code provider/model} sent straight to that provider.
 */
class ModelResolutionIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	@Test
	void sendsProviderSlashModelToThatProviderSplitAtTheFirstSlash() {
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("ft:llama:org/x", "direct"))));

		EntityExchangeResult<byte[]> result = chat("secondary/ft:llama:org/x");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("ft:llama:org/x");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		SECONDARY.verify(1, postRequestedFor(urlEqualTo(CHAT))
			.withRequestBody(matchingJsonPath("$.model", equalTo("ft:llama:org/x"))));
		PRIMARY.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void sendsAProviderModelThatIsNotListedToo() {
		THIRD.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("anything", "direct"))));

		EntityExchangeResult<byte[]> result = chat("third/anything");

		assertThat(result.getStatus().value()).as("'models' only feeds /v1/models").isEqualTo(200);
		THIRD.verify(1, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("anything"))));
	}

	@Test
	void doesNotFallBackFromADirectProviderModel() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(503)));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("x", "never"))));

		EntityExchangeResult<byte[]> result = chat("primary/gpt-4o-mini");

		assertGatewayError(result, 502, "upstream_unavailable", "upstream_error");
		assertThat(message(result)).contains("primary/gpt-4o-mini: HTTP 503");
		SECONDARY.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void answersFromTheBuiltInMockProvider() {
		EntityExchangeResult<byte[]> result = chat("demo");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("mock");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("mock-1");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
	}

}
