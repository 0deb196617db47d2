package dev.switchboard.provider;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /proxy/{provider}/**}: any method and body to the provider's base URL on SCG's own proxy, the gateway key
 * checked and swapped for the provider's, the upstream's answer back unchanged.
 */
class PassthroughIntegrationTests extends GatewayIntegrationTest {


	@Test
	void forwardsAGetWithItsQueryAndSwapsTheKey() {
		PRIMARY.stubFor(get("/v1/models?limit=2&order=desc").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"object\":\"list\",\"data\":[]}")));

		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/proxy/primary/models?limit=2&order=desc")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.header("x-goog-api-key", "caller-google-key")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBody())).isEqualTo("{\"object\":\"list\",\"data\":[]}");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-route")).isEqualTo("switchboard-proxy");
		PRIMARY.verify(1, getRequestedFor(urlEqualTo("/v1/models?limit=2&order=desc"))
			.withHeader("Authorization", equalTo("Bearer " + PRIMARY_PROVIDER_KEY))
			.withHeader("x-provider-extra", equalTo("primary-extra"))
			.withHeader("x-goog-api-key", absent()));
	}

	@Test
	void forwardsAPostBodyAndReturnsTheUpstreamsErrorUnchanged() {
		String error = OpenAiFixtures.error("bad things", "invalid_request_error", "bad_thing");
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(418)
			.withHeader("Content-Type", "application/json")
			.withBody(error)));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/proxy/primary/chat/completions")
			.header("x-api-key", TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"gpt-4o-mini\",\"unknown_field\":[1,2]}")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).as("not a fallback, not translated").isEqualTo(418);
		assertThat(new String(result.getResponseBody())).isEqualTo(error);
		PRIMARY.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withRequestBody(equalTo("{\"model\":\"gpt-4o-mini\",\"unknown_field\":[1,2]}"))
			.withHeader("Authorization", equalTo("Bearer " + PRIMARY_PROVIDER_KEY))
			.withHeader("x-api-key", absent()));
	}

	@Test
	void streamsAnSseAnswerThrough() {
		String stream = OpenAiFixtures.stream("gpt-4o-mini", "Hel", "lo");
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withChunkedDribbleDelay(5, 100)
			.withBody(stream)));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/proxy/primary/chat/completions")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(streamBody("gpt-4o-mini"))
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getContentType().toString()).startsWith("text/event-stream");
		assertThat(new String(result.getResponseBody())).isEqualTo(stream);
	}

	@Test
	void forwardsAMultipartUpload() {
		PRIMARY.stubFor(post("/v1/files").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"file-1\",\"object\":\"file\"}")));
		// written out by hand: Spring's multipart writer would draw a boundary from SecureRandom on the test
		// client's event loop, which BlockHound (rightly) refuses
		String multipart = """
				--switchboard-test-boundary\r
				Content-Disposition: form-data; name="purpose"\r
				\r
				batch\r
				--switchboard-test-boundary\r
				Content-Disposition: form-data; name="file"; filename="batch.jsonl"\r
				Content-Type: application/octet-stream\r
				\r
				{"custom_id":"1"}
				\r
				--switchboard-test-boundary--\r
				""";

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/proxy/primary/files")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.parseMediaType("multipart/form-data; boundary=switchboard-test-boundary"))
			.bodyValue(multipart)
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBody())).contains("file-1");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo("/v1/files"))
			.withHeader("Content-Type", containing("boundary=switchboard-test-boundary"))
			.withHeader("Authorization", equalTo("Bearer " + PRIMARY_PROVIDER_KEY)));
		String upstreamBody = PRIMARY.findAll(postRequestedFor(urlEqualTo("/v1/files"))).get(0).getBodyAsString();
		assertThat(upstreamBody).as("the parts as the client sent them, byte for byte").isEqualTo(multipart);
	}

	@Test
	void sendsAnAnthropicProvidersKeyAsItsTypeDoes() {
		CLAUDE.stubFor(post("/v1/messages/batches").willReturn(aResponse().withStatus(200).withBody("{}")));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/proxy/claude/v1/messages/batches")
			.header("x-api-key", TEAM_A_KEY)
			.header("anthropic-version", "2023-06-01")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"requests\":[]}")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		CLAUDE.verify(1, postRequestedFor(urlEqualTo("/v1/messages/batches"))
			.withHeader("x-api-key", equalTo(CLAUDE_PROVIDER_KEY))
			.withHeader("anthropic-version", equalTo("2023-06-01"))
			.withHeader("Authorization", absent()));
	}

	@Test
	void needsAGatewayKeyAndAnAllowListThatCoversTheProvider() {
		EntityExchangeResult<byte[]> none = this.client.get().uri("/proxy/primary/models").exchange().expectBody().returnResult();
		EntityExchangeResult<byte[]> allowed = this.client.get()
			.uri("/proxy/primary/models")
			.header("Authorization", "Bearer " + LIMITED_KEY)
			.exchange()
			.expectBody()
			.returnResult();
		EntityExchangeResult<byte[]> forbidden = this.client.get()
			.uri("/proxy/secondary/models")
			.header("Authorization", "Bearer " + LIMITED_KEY)
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(none, 401, "invalid_api_key", "authentication_error");
		assertThat(allowed.getStatus().value()).as("primary/* is on the key's list (WireMock: no stub, 404)").isEqualTo(404);
		assertGatewayError(forbidden, 403, "model_not_allowed", "permission_error");
		SECONDARY.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void anUnknownProviderIsProviderNotFound() {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/proxy/nowhere/chat/completions")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(result, 404, "provider_not_found", "invalid_request_error");
		assertThat(new String(result.getResponseBody())).doesNotContain(TEAM_A_KEY);
	}

	@Test
	void theLocalMockHasNoUpstreamToPassThroughTo() {
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/proxy/mock/models")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(result, 400, "unsupported_by_provider", "invalid_request_error");
	}

	@Test
	void aSlowUpstreamIsStillAnswered() {
		PRIMARY.stubFor(get("/v1/slow").willReturn(aResponse().withStatus(200).withFixedDelay(300).withBody("late")));

		EntityExchangeResult<byte[]> result = this.client.mutate()
			.responseTimeout(Duration.ofSeconds(10))
			.build()
			.get()
			.uri("/proxy/primary/slow")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(new String(result.getResponseBody())).isEqualTo("late");
	}

}
