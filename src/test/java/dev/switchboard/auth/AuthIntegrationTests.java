package dev.switchboard.auth;

import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gateway keys: how a key is presented, which keys are accepted, and which models each may use.
 */
class AuthIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	/** The SHA-256 that application-it.yaml holds for {@link #HASHED_KEY}. */
	private static final String HASHED_KEY_DIGEST = "d1a96622c8b25dc1b1ded0e9874692420d41563562d54a5c9319a02b614c71d2";

	@BeforeEach
	void providersAnswer() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "from primary"))));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("s-model", "from secondary"))));
	}

	@Test
	void acceptsTheKeyAsABearerToken() {
		assertThat(chat("fast", headers -> headers.set("Authorization", "Bearer " + TEAM_A_KEY)).getStatus().value())
			.isEqualTo(200);
	}

	@Test
	void acceptsTheKeyInXApiKey() {
		assertThat(chat("fast", headers -> headers.set("x-api-key", TEAM_A_KEY)).getStatus().value()).isEqualTo(200);
	}

	@Test
	void acceptsAKeyConfiguredOnlyByItsSha256() {
		assertThat(chat("fast", bearer(HASHED_KEY)).getStatus().value()).isEqualTo(200);
	}

	@Test
	void rejectsTheSha256DigestPresentedAsAKey() {
		assertGatewayError(chat("fast", bearer(HASHED_KEY_DIGEST)), 401, "invalid_api_key", "authentication_error");
	}

	@ParameterizedTest
	@ValueSource(strings = { "sk-team-a-012345678", "sk-team-a-01234567890", "SK-TEAM-A-0123456789", "sk-team-a",
			"x" })
	void rejectsAKeyThatIsOnlyCloseToAValidOne(String key) {
		assertGatewayError(chat("fast", bearer(key)), 401, "invalid_api_key", "authentication_error");
		assertNoUpstreamRequest();
	}

	@Test
	void rejectsAKeySentWithAnotherAuthorizationScheme() {
		assertGatewayError(chat("fast", headers -> headers.set("Authorization", "Basic " + TEAM_A_KEY)), 401,
				"invalid_api_key", "authentication_error");
	}

	@Test
	void rejectsAnEmptyBearerToken() {
		assertGatewayError(chat("fast", headers -> headers.set("Authorization", "Bearer ")), 401, "invalid_api_key",
				"authentication_error");
	}

	@Test
	void letsTheAuthorizationHeaderWinOverXApiKey() {
		EntityExchangeResult<byte[]> result = chat("fast", headers -> {
			headers.set("Authorization", "Bearer sk-unknown-0000");
			headers.set("x-api-key", TEAM_A_KEY);
		});

		assertGatewayError(result, 401, "invalid_api_key", "authentication_error");
	}

	@Test
	void letsAnUnrestrictedKeyUseEveryRouteAndProvider() {
		assertThat(chat("chain", bearer(TEAM_A_KEY)).getStatus().value()).isEqualTo(200);
		assertThat(chat("secondary/llama-3.3-70b", bearer(TEAM_A_KEY)).getStatus().value()).isEqualTo(200);
		assertThat(chat("demo", bearer(TEAM_A_KEY)).getStatus().value()).isEqualTo(200);
	}

	@Test
	void letsALimitedKeyUseItsAliasAndAnyModelOfItsProvider() {
		assertThat(chat("fast", bearer(HASHED_KEY)).getStatus().value()).isEqualTo(200);

		EntityExchangeResult<byte[]> direct = chat("primary/gpt-4.1", bearer(HASHED_KEY));

		assertThat(direct.getStatus().value()).as("'primary/*' allows it").isEqualTo(200);
		assertThat(direct.getResponseHeaders().getFirst("x-switchboard-model")).isEqualTo("gpt-4.1");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4.1"))));
	}

	@ParameterizedTest
	@ValueSource(strings = { "chain", "smart", "secondary/llama-3.3-70b", "demo", "mock/mock-1", "primaryx/gpt-4.1" })
	void forbidsALimitedKeyEveryOtherModel(String model) {
		EntityExchangeResult<byte[]> result = chat(model, bearer(HASHED_KEY));

		assertGatewayError(result, 403, "model_not_allowed", "permission_error");
		assertNoUpstreamRequest();
	}

	@Test
	void letsEachLimitedKeyUseOnlyItsOwnList() {
		assertThat(chat("demo", bearer(LIMITED_KEY)).getStatus().value()).as("limited-plain lists demo").isEqualTo(200);
		assertGatewayError(chat("demo", bearer(HASHED_KEY)), 403, "model_not_allowed", "permission_error");
		assertGatewayError(chat("chain", bearer(LIMITED_KEY)), 403, "model_not_allowed", "permission_error");
	}

	@Test
	void answersALimitedKeyAskingForAnUnknownModelAsForbidden() {
		EntityExchangeResult<byte[]> result = chat("no-such-model", bearer(HASHED_KEY));

		assertGatewayError(result, 403, "model_not_allowed", "permission_error");
	}

	@Test
	void neverSendsTheGatewayKeyUpstream() {
		chat("fast", headers -> {
			headers.set("Authorization", "Bearer " + TEAM_A_KEY);
			headers.set("x-api-key", TEAM_A_KEY);
		});
		chat("fast", headers -> headers.set("x-api-key", TEAM_A_KEY));

		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization",
				equalTo("Bearer " + PRIMARY_PROVIDER_KEY)));
		assertThat(PRIMARY.getAllServeEvents()).allSatisfy(event -> {
			assertThat(event.getRequest().getHeaders().all().toString()).as("no header carries the gateway key")
				.doesNotContain(TEAM_A_KEY);
			assertThat(event.getRequest().containsHeader("x-api-key")).isFalse();
		});
	}

	@Test
	void requiresAKeyForTheModelList() {
		EntityExchangeResult<byte[]> result = this.client.get().uri("/v1/models").exchange().expectBody().returnResult();

		assertGatewayError(result, 401, "invalid_api_key", "authentication_error");
	}

	private EntityExchangeResult<byte[]> chat(String model, Consumer<HttpHeaders> auth) {
		return this.client.post()
			.uri(CHAT)
			.headers(auth)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody(model))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static Consumer<HttpHeaders> bearer(String key) {
		return headers -> headers.set("Authorization", "Bearer " + key);
	}

	private static void assertNoUpstreamRequest() {
		PRIMARY.verify(0, anyRequestedFor(anyUrl()));
		SECONDARY.verify(0, anyRequestedFor(anyUrl()));
		THIRD.verify(0, anyRequestedFor(anyUrl()));
	}

}
