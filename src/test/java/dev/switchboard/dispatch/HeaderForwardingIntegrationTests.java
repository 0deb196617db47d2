package dev.switchboard.dispatch;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which headers cross the gateway, in each direction.
 */
class HeaderForwardingIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	@Test
	void forwardsTheClientsOwnHeadersAndNoCredentialsOrHopByHopHeaders() {
		stubPrimaryAnswer();

		this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.header("x-api-key", TEAM_A_KEY)
			.header("Cookie", "session=abc")
			.header("Proxy-Authorization", "Basic cHJveHk6cGFzcw==")
			.header("api-key", "azure-style-key")
			.header("x-goog-api-key", "google-style-key")
			.header("X-Forwarded-For", "203.0.113.7")
			.header("X-Forwarded-Host", "gateway.example")
			.header("X-Forwarded-Proto", "https")
			.header("Forwarded", "for=203.0.113.7")
			.header("X-Real-IP", "203.0.113.7")
			.header("OpenAI-Organization", "org-client")
			.header("OpenAI-Project", "proj-client")
			.header("Connection", "keep-alive, x-hop-secret")
			.header("x-hop-secret", "hop")
			.header("Keep-Alive", "timeout=5")
			.header("Accept-Encoding", "gzip")
			.header("x-trace-id", "trace-1")
			.header("OpenAI-Beta", "assistants=v2")
			.header("User-Agent", "my-agent/1.0")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("fast"))
			.exchange()
			.expectStatus()
			.isOk();

		LoggedRequest upstream = PRIMARY.getAllServeEvents().get(0).getRequest();
		assertThat(upstream.getHeader("Authorization")).as("the provider's key replaces the gateway key")
			.isEqualTo("Bearer " + PRIMARY_PROVIDER_KEY);
		assertThat(upstream.getHeader("x-provider-extra")).as("configured provider headers").isEqualTo("primary-extra");
		assertThat(upstream.getHeader("Content-Type")).isEqualTo("application/json");
		assertThat(upstream.getHeader("x-trace-id")).isEqualTo("trace-1");
		assertThat(upstream.getHeader("OpenAI-Beta")).isEqualTo("assistants=v2");
		assertThat(upstream.getHeader("User-Agent")).isEqualTo("my-agent/1.0");
		assertThat(upstream.getHeader("Host")).as("the upstream's own host, not the gateway's")
			.isEqualTo("localhost:" + PRIMARY.port());
		for (String stripped : new String[] { "x-api-key", "Cookie", "Proxy-Authorization", "api-key", "x-goog-api-key",
				"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded", "X-Real-IP",
				"OpenAI-Organization", "OpenAI-Project", "x-hop-secret", "Keep-Alive", "Accept-Encoding" }) {
			assertThat(upstream.containsHeader(stripped)).as("%s is not forwarded", stripped).isFalse();
		}
		assertThat(upstream.getHeaders().all().toString()).as("the gateway key is in no header")
			.doesNotContain(TEAM_A_KEY);
	}

	@Test
	void sendsTheGatewaysRequestIdUpstream() {
		stubPrimaryAnswer();

		EntityExchangeResult<byte[]> echoed = chatWithRequestId("client-req-1");
		EntityExchangeResult<byte[]> generated = chatWithRequestId(null);

		assertThat(echoed.getResponseHeaders().getFirst("x-request-id")).isEqualTo("client-req-1");
		assertThat(PRIMARY.getAllServeEvents()).hasSize(2);
		assertThat(PRIMARY.getAllServeEvents())
			.extracting(event -> event.getRequest().getHeader("x-request-id"))
			.as("the id the client sees is the one the provider got")
			.containsExactlyInAnyOrder("client-req-1", generated.getResponseHeaders().getFirst("x-request-id"));
	}

	@Test
	void dropsUpstreamCookiesAndRenamesTheUpstreamRequestId() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withHeader("Set-Cookie", "__cf_bm=tracking; Path=/; HttpOnly")
			.withHeader("x-request-id", "req_upstream_9")
			.withHeader("x-ratelimit-remaining-requests", "99")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "Hi"))));

		EntityExchangeResult<byte[]> result = chatWithRequestId("client-req-2");

		assertThat(result.getResponseHeaders().containsHeader("Set-Cookie")).as("upstream cookies stay upstream")
			.isFalse();
		assertThat(result.getResponseHeaders().get("x-request-id")).as("the gateway's id, once")
			.containsExactly("client-req-2");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-upstream-request-id")).isEqualTo("req_upstream_9");
		assertThat(result.getResponseHeaders().getFirst("x-ratelimit-remaining-requests")).isEqualTo("99");
	}

	@Test
	void treatsThePassedThroughUpstreamErrorsHeadersTheSameWay() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(422)
			.withHeader("Content-Type", "application/json")
			.withHeader("Set-Cookie", "sid=1")
			.withHeader("x-request-id", "req_upstream_422")
			.withBody(OpenAiFixtures.error("bad", "invalid_request_error", "bad"))));

		EntityExchangeResult<byte[]> result = chatWithRequestId("client-req-3");

		assertThat(result.getStatus().value()).isEqualTo(422);
		assertThat(result.getResponseHeaders().containsHeader("Set-Cookie")).isFalse();
		assertThat(result.getResponseHeaders().get("x-request-id")).containsExactly("client-req-3");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-upstream-request-id")).isEqualTo("req_upstream_422");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("gpt-4o-mini");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
	}

	@Test
	void addsTheSwitchboardHeadersToAStreamedAnswer() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withHeader("Set-Cookie", "sid=1")
			.withBody(OpenAiFixtures.stream("gpt-4o-mini", "Hi"))));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(streamBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("primary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("gpt-4o-mini");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
		assertThat(result.getResponseHeaders().getFirst("x-request-id")).isNotBlank();
		assertThat(result.getResponseHeaders().containsHeader("Set-Cookie")).isFalse();
	}

	private EntityExchangeResult<byte[]> chatWithRequestId(String requestId) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.headers(headers -> {
				if (requestId != null) {
					headers.set("x-request-id", requestId);
				}
			})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static void stubPrimaryAnswer() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "Hi"))));
	}

}
