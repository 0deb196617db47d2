package dev.switchboard.routing;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.AnthropicErrors.assertAnthropicError;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's own SCG routes of {@code application-it.yaml} beside the compiled ones: standard predicates
 * ({@code Header}, {@code Weight}) and the {@code Model} predicate choosing a Switchboard alias or
 * {@code provider/model} through {@code uri: switchboard:...}, and a plain {@code http} route proxied untouched.
 */
class UserRoutesIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	@Test
	void aHeaderRouteSendsItsTrafficToAnotherAliasAndTheRestStillReachesTheAlias() {
		stubCompletion(PRIMARY);

		EntityExchangeResult<byte[]> research = chatWith("fast", "X-Team", "research");
		EntityExchangeResult<byte[]> plain = chat("fast");

		assertThat(research.getStatus().value()).isEqualTo(200);
		assertThat(research.getResponseHeaders().getFirst("x-switchboard-route")).isEqualTo("team-research");
		assertThat(research.getResponseHeaders().getFirst("x-switchboard-model"))
			.as("dispatched as the route's target, alias 'chain', whose first target is primary/p-model")
			.isEqualTo("p-model");
		assertThat(plain.getStatus().value()).isEqualTo(200);
		assertThat(plain.getResponseHeaders().getFirst("x-switchboard-route")).isEqualTo("switchboard-aliases");
		assertThat(plain.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("gpt-4o-mini");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("p-model"))));
		PRIMARY.verify(1,
				postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini"))));
	}

	@Test
	void aWeightGroupSplitsTrafficBetweenTwoProviders() {
		stubCompletion(PRIMARY);
		stubCompletion(SECONDARY);

		Set<String> routes = new HashSet<>();
		int toPrimary = 0;
		for (int i = 0; i < 40; i++) {
			EntityExchangeResult<byte[]> result = chatWith("fast", "X-AB", "on");
			assertThat(result.getStatus().value()).isEqualTo(200);
			routes.add(result.getResponseHeaders().getFirst("x-switchboard-route"));
			if ("primary".equals(result.getResponseHeaders().getFirst("x-switchboard-provider"))) {
				toPrimary++;
			}
		}

		assertThat(routes).as("both halves of the 50/50 split served (40 requests)")
			.containsExactlyInAnyOrder("ab-primary", "ab-secondary");
		PRIMARY.verify(toPrimary, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("ab-a"))));
		SECONDARY.verify(40 - toPrimary,
				postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("ab-b"))));
	}

	@Test
	void aUserRouteReachesAProviderModelDirectlyWithTheClientsModelRewritten() {
		stubCompletion(SECONDARY);

		EntityExchangeResult<byte[]> result = chatWith("whatever-the-client-says", "X-Route", "direct");

		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-route")).isEqualTo("direct-secondary");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		SECONDARY.verify(1,
				postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("direct-model"))));
	}

	@Test
	void theModelPredicateMatchesGlobsAndExactNamesOnly() {
		stubCompletion(PRIMARY);

		EntityExchangeResult<byte[]> glob = chat("glob-anything/at:all");
		EntityExchangeResult<byte[]> exact = chat("exact-glob");
		EntityExchangeResult<byte[]> neither = chat("glob");

		assertThat(glob.getResponseHeaders().getFirst("x-switchboard-route")).isEqualTo("globbed");
		assertThat(exact.getResponseHeaders().getFirst("x-switchboard-route")).isEqualTo("globbed");
		assertGatewayError(neither, 404, "model_not_found", "invalid_request_error");
		assertThat(neither.getResponseHeaders().getFirst("x-switchboard-route"))
			.as("no user route matched: the compiled catch-all answered")
			.isEqualTo("switchboard-api");
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("globbed"))));
	}

	@Test
	void aUserRouteToATargetThatDoesNotExistIsModelNotFoundInBothWireFormats() {
		EntityExchangeResult<byte[]> openAi = chatWith("fast", "X-Route", "missing");
		EntityExchangeResult<byte[]> anthropic = this.client.post()
			.uri("/v1/messages")
			.header("x-api-key", TEAM_A_KEY)
			.header("X-Route", "missing")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"fast\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(openAi, 404, "model_not_found", "invalid_request_error");
		assertThat(assertAnthropicError(anthropic, 404, "not_found_error")).contains("model_not_found");
		PRIMARY.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void aUserRouteStillNeedsAValidGatewayKey() {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("X-Team", "research")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(result, 401, "invalid_api_key", "authentication_error");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-route")).isEqualTo("team-research");
	}

	@Test
	void aPlainHttpRouteIsProxiedUntouchedWithoutAGatewayKey() {
		THIRD.stubFor(get("/internal/status?deep=1").willReturn(aResponse().withStatus(207)
			.withHeader("Content-Type", "text/plain")
			.withHeader("x-upstream", "third")
			.withBody("internal ok")));

		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/internal/status?deep=1")
			.header("Authorization", "Bearer not-a-gateway-key")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).as("the upstream's status, no gateway key checked").isEqualTo(207);
		assertThat(new String(result.getResponseBody())).isEqualTo("internal ok");
		assertThat(result.getResponseHeaders().getFirst("x-upstream")).isEqualTo("third");
		assertThat(result.getResponseHeaders().getFirst("x-switchboard-route")).as("not an AI route").isNull();
		THIRD.verify(1, getRequestedFor(urlEqualTo("/internal/status?deep=1"))
			.withHeader("Authorization", equalTo("Bearer not-a-gateway-key"))
			.withHeader("x-api-key", absent()));
	}

	@Test
	void aPlainHttpRoutePassesAPostBodyThrough() {
		THIRD.stubFor(post("/internal/echo").willReturn(aResponse().withStatus(200).withBody("posted")));

		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/internal/echo")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"fast\",\"anything\":true}")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		THIRD.verify(1, postRequestedFor(urlEqualTo("/internal/echo"))
			.withRequestBody(equalTo("{\"model\":\"fast\",\"anything\":true}")));
	}

	private static void stubCompletion(com.github.tomakehurst.wiremock.WireMockServer server) {
		server.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("upstream-model", "hello"))));
	}

	private EntityExchangeResult<byte[]> chatWith(String model, String header, String value) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.header(header, value)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody(model))
			.exchange()
			.expectBody()
			.returnResult();
	}

}
