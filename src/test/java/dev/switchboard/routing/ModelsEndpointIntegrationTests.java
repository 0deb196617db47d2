package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/models}: route aliases and each provider's listed models as {@code provider/model}, in OpenAI's list
 * format, limited to what the caller's key may use.
 */
class ModelsEndpointIntegrationTests extends GatewayIntegrationTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	@Test
	void listsEveryAliasAndProviderModelForAnUnrestrictedKey() {
		JsonNode list = models(TEAM_A_KEY);

		assertThat(ids(list)).containsExactlyInAnyOrder("fast", "chain", "smart", "claude-only", "gemini-only",
				"gemini-then-secondary", "scripted",
				"scripted-then-secondary", "dead-first", "retrying", "short-deadline", "scripted-fast-first-byte", "balanced",
				"tools-then-plain", "scripted-keep-alive", "hedged", "scripted-slow-start", "scripted-patient", "fragile-then-secondary", "demo",
				"cached", "cached-per-key", "cached-short", "cached-claude", "cached-semantic", "cached-semantic-remote", "cached-streams",
				"cached-semantic-streams", "cached-priced", "cached-guarded",
				"guarded", "guarded-claude", "guarded-answers", "policed", "policed-strict",
				"agents-mock", "agents-openai", "agents-azure",
				"quota-priced",
				"primary/gpt-4o-mini", "primary/gpt-4.1", "secondary/llama-3.3-70b", "gemini/gemini-2.5-flash",
				"mock/mock-1");
	}

	@Test
	void listsOnlyWhatALimitedKeyMayUse() {
		assertThat(ids(models(HASHED_KEY))).as("fast and primary/*")
			.containsExactlyInAnyOrder("fast", "primary/gpt-4o-mini", "primary/gpt-4.1");
		assertThat(ids(models(LIMITED_KEY))).as("fast, primary/* and demo")
			.containsExactlyInAnyOrder("fast", "demo", "primary/gpt-4o-mini", "primary/gpt-4.1");
	}

	@Test
	void answersInOpenAisListFormat() {
		JsonNode list = models(TEAM_A_KEY);

		assertThat(list.propertyNames()).containsExactlyInAnyOrder("object", "data");
		assertThat(list.get("object").stringValue()).isEqualTo("list");
		assertThat(list.get("data").isArray()).isTrue();
		for (JsonNode model : list.get("data")) {
			assertThat(model.propertyNames()).as("each entry of %s", model)
				.containsExactlyInAnyOrder("id", "object", "created", "owned_by");
			assertThat(model.get("object").stringValue()).isEqualTo("model");
			assertThat(model.get("created").isIntegralNumber()).isTrue();
			assertThat(model.get("owned_by").isString()).isTrue();
		}
		assertThat(entry(list, "primary/gpt-4.1").get("owned_by").stringValue()).as("a provider owns its models")
			.isEqualTo("primary");
	}

	@Test
	void makesNoUpstreamRequest() {
		models(TEAM_A_KEY);

		PRIMARY.verify(0, anyRequestedFor(anyUrl()));
		SECONDARY.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void answersOneModelById() {
		EntityExchangeResult<byte[]> alias = get("/v1/models/fast", TEAM_A_KEY);
		EntityExchangeResult<byte[]> direct = get("/v1/models/primary/gpt-4.1", HASHED_KEY);

		assertThat(alias.getStatus().value()).isEqualTo(200);
		assertThat(MAPPER.readTree(alias.getResponseBody()).get("id").stringValue()).isEqualTo("fast");
		assertThat(direct.getStatus().value()).isEqualTo(200);
		assertThat(MAPPER.readTree(direct.getResponseBody()).get("id").stringValue()).isEqualTo("primary/gpt-4.1");
		assertThat(direct.getResponseHeaders().getFirst("x-request-id")).isNotBlank();
	}

	@Test
	void answers404ForAModelTheKeyMayNotSeeOrThatDoesNotExist() {
		assertGatewayError(get("/v1/models/chain", HASHED_KEY), 404, "model_not_found", "invalid_request_error");
		assertGatewayError(get("/v1/models/no-such-model", TEAM_A_KEY), 404, "model_not_found",
				"invalid_request_error");
	}

	@Test
	void answers404AsAJsonErrorForAnUnknownPathUnderV1() {
		EntityExchangeResult<byte[]> result = get("/v1/engines", TEAM_A_KEY);

		assertGatewayError(result, 404, "unknown_url", "invalid_request_error");
	}

	private JsonNode models(String key) {
		EntityExchangeResult<byte[]> result = get("/v1/models", key);
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getContentType().toString()).startsWith("application/json");
		assertThat(result.getResponseHeaders().getFirst("x-request-id")).isNotBlank();
		return MAPPER.readTree(result.getResponseBody());
	}

	private EntityExchangeResult<byte[]> get(String path, String key) {
		return this.client.get()
			.uri(path)
			.header("Authorization", "Bearer " + key)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static List<String> ids(JsonNode list) {
		List<String> ids = new ArrayList<>();
		list.get("data").forEach(model -> ids.add(model.get("id").stringValue()));
		return ids;
	}

	private static JsonNode entry(JsonNode list, String id) {
		for (JsonNode model : list.get("data")) {
			if (model.get("id").stringValue().equals(id)) {
				return model;
			}
		}
		throw new AssertionError("no model " + id + " in " + list);
	}

}
