package dev.switchboard.auth;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code limits} of keys issued through {@code /admin/keys}, through HTTP: checked like configured limits when a
 * key is issued or changed, enforced by the quota slot like a configured key's (same refusals, headers and
 * counters), changed by {@code PATCH} from the next request on, and their budget's spend shown in the records. Every
 * key has a name of its own, so its counters are its own.
 */
class ApiKeyLimitsIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final AtomicInteger NAMES = new AtomicInteger();

	private static String name(String what) {
		return "limits-" + what + "-" + NAMES.incrementAndGet();
	}

	private AdminApi admin() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "from primary"))));
		return new AdminApi(this.client, ADMIN_KEY);
	}

	@Test
	void refusesTheThirdRequestOfAKeyIssuedWithTwoRequestsPerMinuteUntilAPatchRaisesIt() {
		AdminApi admin = admin();
		String name = name("rpm");
		AdminApi.Issued issued = admin.issue("{\"name\":\"" + name + "\",\"limits\":{\"requests-per-minute\":2}}");
		assertThat(issued.record().get("limits").get("requests-per-minute").asLong()).as("shown in the record")
			.isEqualTo(2);

		EntityExchangeResult<byte[]> first = chat(issued.key(), chatBody("fast"));
		assertThat(first.getStatus().value()).isEqualTo(200);
		assertThat(first.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isEqualTo("2");
		assertThat(first.getResponseHeaders().getFirst("x-ratelimit-remaining-requests")).isEqualTo("1");
		EntityExchangeResult<byte[]> second = chat(issued.key(), chatBody("fast"));
		assertThat(second.getStatus().value()).isEqualTo(200);
		assertThat(second.getResponseHeaders().getFirst("x-ratelimit-remaining-requests")).isEqualTo("0");
		assertThat(second.getResponseHeaders().getFirst("x-ratelimit-reset-requests")).isNotBlank();

		EntityExchangeResult<byte[]> third = chat(issued.key(), chatBody("fast"));
		JsonNode error = assertGatewayError(third, 429, "rate_limit_exceeded", "rate_limit_error");
		assertThat(error.get("message").asString()).as("named like a configured key's limit")
			.contains("key '" + name + "' allows 2 requests per minute");
		assertThat(Long.parseLong(third.getResponseHeaders().getFirst("Retry-After"))).isBetween(1L, 120L);
		// the same refusal to an Anthropic client, in its shape
		EntityExchangeResult<byte[]> anthropic = this.client.post()
			.uri("/v1/messages")
			.header("x-api-key", issued.key())
			.header("anthropic-version", "2023-06-01")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"fast\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(anthropic.getStatus().value()).isEqualTo(429);
		assertThat(AdminApi.read(anthropic).get("error").get("type").asString()).isEqualTo("rate_limit_error");

		EntityExchangeResult<byte[]> raised = admin.call(HttpMethod.PATCH, "/admin/keys/" + name,
				"{\"limits\":{\"requests-per-minute\":10}}");
		assertThat(raised.getStatus().value()).as(AdminApi.body(raised)).isEqualTo(200);
		EntityExchangeResult<byte[]> again = chat(issued.key(), chatBody("fast"));
		assertThat(again.getStatus().value()).as("the raised limit holds from the next request on").isEqualTo(200);
		assertThat(again.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isEqualTo("10");
		// the same counters: the two admitted before the change still count (a minute's edge in between weighs them less)
		assertThat(again.getResponseHeaders().getFirst("x-ratelimit-remaining-requests")).isIn("7", "8");

		admin.call(HttpMethod.PATCH, "/admin/keys/" + name, "{\"limits\":null}");
		EntityExchangeResult<byte[]> unlimited = chat(issued.key(), chatBody("fast"));
		assertThat(unlimited.getStatus().value()).isEqualTo(200);
		assertThat(unlimited.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).as("null removes them")
			.isNull();
		assertThat(AdminApi.read(admin.call(HttpMethod.GET, "/admin/keys/" + name, null)).get("limits").isNull())
			.isTrue();
	}

	@Test
	void refusesAKeyWhoseTokenBudgetIsSpent() {
		AdminApi admin = admin();
		// each answer reports 1,000 tokens: the first request spends the whole budget of 500
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
					+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
					+ "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":990,"
					+ "\"total_tokens\":1000}}")));
		String name = name("budget");
		AdminApi.Issued issued = admin.issue("{\"name\":\"" + name
				+ "\",\"limits\":{\"budget\":{\"tokens\":500,\"period\":\"day\"}}}");
		assertThat(issued.record().get("limits").get("budget").get("period").asString()).isEqualTo("day");
		String body = "{\"model\":\"fast\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

		assertThat(chat(issued.key(), body).getStatus().value()).as("its reservation fits").isEqualTo(200);
		EntityExchangeResult<byte[]> refused = chat(issued.key(), body);
		JsonNode error = assertGatewayError(refused, 429, "budget_exceeded", "rate_limit_error");
		assertThat(error.get("message").asString()).contains("key '" + name + "' has a budget of 500 tokens");
		assertThat(Long.parseLong(refused.getResponseHeaders().getFirst("Retry-After"))).as("until the UTC day ends")
			.isBetween(1L, 86_400L);

		JsonNode spend = AdminApi.read(admin.call(HttpMethod.GET, "/admin/keys/" + name, null)).get("spend");
		assertThat(spend.get("tokens").asLong()).as("this period's spend, in the budget's unit").isEqualTo(1000);
		assertThat(spend.get("period").asString()).isEqualTo("day");
		assertThat(spend.get("since").asString())
			.isEqualTo(LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toString());

		admin.call(HttpMethod.PATCH, "/admin/keys/" + name,
				"{\"limits\":{\"budget\":{\"tokens\":5000,\"period\":\"day\"}}}");
		assertThat(chat(issued.key(), body).getStatus().value()).as("a larger budget admits again").isEqualTo(200);
	}

	@Test
	void showsThisPeriodsSpendOfADollarBudgetInTheRecordAndTheList() {
		AdminApi admin = admin();
		// 1,000 input and 500 output tokens of gpt-4o-mini: 1000 x 0.15 + 500 x 0.60 per million = $0.00045
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
					+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
					+ "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,"
					+ "\"total_tokens\":1500}}")));
		String name = name("usd");
		AdminApi.Issued issued = admin.issue("{\"name\":\"" + name
				+ "\",\"limits\":{\"budget\":{\"usd\":1,\"period\":\"month\"}}}");
		assertThat(issued.record().get("spend").get("usd").decimalValue()).as("nothing spent yet")
			.isEqualByComparingTo("0");
		String body = "{\"model\":\"fast\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
		EntityExchangeResult<byte[]> answer = chat(issued.key(), body);
		assertThat(answer.getResponseHeaders().getFirst("x-switchboard-cost-usd")).isEqualTo("0.000450");

		// the reservation is replaced by the real cost as the answer ends
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(AdminApi
			.read(admin.call(HttpMethod.GET, "/admin/keys/" + name, null)).get("spend").get("usd").decimalValue())
			.isEqualByComparingTo("0.00045"));
		JsonNode spend = AdminApi.read(admin.call(HttpMethod.GET, "/admin/keys/" + name, null)).get("spend");
		assertThat(spend.get("period").asString()).isEqualTo("month");
		assertThat(spend.get("since").asString()).isEqualTo(
				LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());

		Map<String, JsonNode> listed = new HashMap<>();
		AdminApi.read(admin.call(HttpMethod.GET, "/admin/keys", null)).get("data")
			.forEach(record -> listed.put(record.get("name").asString(), record));
		assertThat(listed.get(name).get("spend").get("usd").decimalValue()).isEqualByComparingTo("0.00045");
		assertThat(listed.get("team-a").get("spend").isNull()).as("no budget, no spend").isTrue();
		assertThat(listed.get("quota-budget").get("spend").get("period").asString())
			.as("a configured key's budget too").isEqualTo("day");
		assertThat(listed.get("quota-budget").get("spend").has("tokens")).isTrue();
	}

	@Test
	void refusesInvalidLimitsNamingTheFieldAndAppliesNothing() {
		AdminApi admin = admin();
		String name = name("invalid");
		String[][] cases = { { "{\"requests-per-minute\":-1}", "limits.requests-per-minute" },
				{ "{\"requests-per-minute\":0}", "limits.requests-per-minute" },
				{ "{\"tokens-per-minute\":1.5}", "limits.tokens-per-minute" },
				{ "{\"concurrent-requests\":\"5\"}", "limits.concurrent-requests" },
				{ "{\"burst\":5}", "limits.burst" },
				{ "{\"budget\":{\"tokens\":100,\"period\":\"fortnight\"}}", "limits.budget.period" },
				{ "{\"budget\":{\"usd\":5,\"tokens\":100}}", "limits.budget" },
				{ "{\"budget\":{\"period\":\"day\"}}", "limits.budget" },
				{ "{\"budget\":{\"usd\":\"5\"}}", "limits.budget.usd" },
				{ "{\"budget\":{\"usd\":-5}}", "limits.budget.usd" },
				{ "{\"budget\":{\"tokens\":100,\"warn-at\":1.5}}", "limits.budget.warn-at" },
				{ "{\"budget\":{\"tokens\":100,\"every\":\"day\"}}", "limits.budget.every" },
				{ "{\"budget\":5}", "limits.budget" }, { "[2]", "limits" }, { "2", "limits" } };
		for (String[] bad : cases) {
			EntityExchangeResult<byte[]> refused = admin.call(HttpMethod.POST, "/admin/keys",
					"{\"name\":\"" + name + "\",\"limits\":" + bad[0] + "}");
			JsonNode error = assertGatewayError(refused, 400, "invalid_request", "invalid_request_error");
			assertThat(error.get("param").asString()).as(bad[0]).isEqualTo(bad[1]);
			assertThat(error.get("message").asString()).as(bad[0]).contains(bad[1]);
		}
		assertThat(admin.call(HttpMethod.GET, "/admin/keys/" + name, null).getStatus().value())
			.as("nothing issued").isEqualTo(404);

		AdminApi.Issued issued = admin.issue("{\"name\":\"" + name + "\",\"limits\":{\"requests-per-minute\":5}}");
		EntityExchangeResult<byte[]> invalid = admin.call(HttpMethod.PATCH, "/admin/keys/" + name,
				"{\"models\":[\"fast\"],\"limits\":{\"budget\":{\"tokens\":100,\"period\":\"fortnight\"}}}");
		JsonNode error = assertGatewayError(invalid, 400, "invalid_request", "invalid_request_error");
		assertThat(error.get("param").asString()).isEqualTo("limits.budget.period");
		assertThat(error.get("message").asString()).contains("unknown period 'fortnight' (day, week, month, total)");
		JsonNode after = AdminApi.read(admin.call(HttpMethod.GET, "/admin/keys/" + name, null));
		assertThat(after.get("models").isNull()).as("nothing half-applied").isTrue();
		assertThat(after.get("limits").get("requests-per-minute").asLong()).isEqualTo(5);
		assertThat(chat(issued.key(), chatBody("fast")).getResponseHeaders().getFirst("x-ratelimit-limit-requests"))
			.isEqualTo("5");

		AdminApi.Issued empty = admin.issue("{\"name\":\"" + name("empty") + "\",\"limits\":{}}");
		assertThat(empty.record().get("limits").isNull()).as("an empty block is no limits").isTrue();
	}

	@Test
	void showsTheLimitsOfConfiguredKeysInTheirRecords() {
		JsonNode record = AdminApi.read(admin().call(HttpMethod.GET, "/admin/keys/quota-rpm", null));
		assertThat(record.get("source").asString()).isEqualTo("config");
		assertThat(record.get("limits").get("requests-per-minute").asLong()).isEqualTo(3);
		JsonNode budget = AdminApi.read(admin().call(HttpMethod.GET, "/admin/keys/quota-budget", null)).get("limits")
			.get("budget");
		assertThat(budget.get("tokens").asLong()).isEqualTo(1000);
		assertThat(budget.get("period").asString()).isEqualTo("day");
		assertThat(budget.get("warn-at").asDouble()).isEqualTo(0.5);
	}

	private EntityExchangeResult<byte[]> chat(String key, String body) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

}
