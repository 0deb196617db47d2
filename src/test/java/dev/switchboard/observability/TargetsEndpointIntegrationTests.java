package dev.switchboard.observability;


import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Circuit-breaker and target state through actuator: {@code /actuator/targets}, health and Prometheus. */
class TargetsEndpointIntegrationTests extends GatewayIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void showsEachProvidersBreakerAndEachRoutesTargets() {
		THIRD.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503)));
		SECONDARY.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("llama-3.3-70b", "hi"))));
		chat("fragile-then-secondary");
		chat("fragile-then-secondary");

		JsonNode targets = get("/actuator/targets");

		JsonNode fragile = targets.path("providers").path("fragile").path("circuitBreaker");
		assertThat(fragile.path("state").asString()).isEqualTo("OPEN");
		assertThat(fragile.path("failureRate").asDouble()).isEqualTo(100.0);
		assertThat(fragile.path("failedCalls").asInt()).isEqualTo(2);
		JsonNode route = targets.path("routes").path("fragile-then-secondary");
		assertThat(route.path("strategy").asString()).isEqualTo("fallback");
		assertThat(route.path("targets").get(0).path("circuitBreakerState").asString()).isEqualTo("OPEN");
		JsonNode secondary = route.path("targets").get(1);
		assertThat(secondary.path("provider").asString()).isEqualTo("secondary");
		assertThat(secondary.path("inFlight").asInt()).isZero();
		assertThat(secondary.path("firstByteAverageMs").asDouble()).as("measured by the two answers").isPositive();
		assertThat(targets.path("routes").path("hedged").path("hedgeAfter").asString()).isEqualTo("200ms");
	}

	@Test
	void healthStaysUpWhenABreakerIsOpenAndPrometheusExportsTheBreakerState() {
		THIRD.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503)));
		chat("fragile-then-secondary");
		chat("fragile-then-secondary");

		assertThat(get("/actuator/health/providers").path("status").asString())
			.as("a provider's outage is not the gateway's").isEqualTo("UP");
		String scrape = prometheusScrape();
		assertThat(scrape).containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"fragile\"[^}]*state=\"open\"[^}]*\\} 1\\.0");
	}

	private JsonNode get(String path) {
		byte[] body = this.client.get().uri(path).exchange().expectStatus().isOk().expectBody().returnResult()
			.getResponseBody();
		return JSON.readTree(body);
	}

}
