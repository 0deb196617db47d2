package dev.switchboard.observability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health probes and the Prometheus scrape: request meters with their tags, and no secret in any of it.
 */
class MetricsIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	/** Every key and key digest in application-it.yaml. */
	static final List<String> SECRETS = List.of(TEAM_A_KEY, LIMITED_KEY, HASHED_KEY,
			"d1a96622c8b25dc1b1ded0e9874692420d41563562d54a5c9319a02b614c71d2", PRIMARY_PROVIDER_KEY,
			SECONDARY_PROVIDER_KEY, "sk-provider-third-SECRET", "sk-provider-scripted-SECRET", "sk-provider-dead-SECRET",
			"sk-ant-provider-SECRET");

	private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)\\{([^}]*)} ([0-9.eE+-]+)$", Pattern.MULTILINE);

	private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

	@Autowired
	private MeterRegistry meterRegistry;

	@Test
	void answersHealthWithoutAKey() {
		this.client.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody().jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void answersTheLivenessAndReadinessProbes() {
		this.client.get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
		this.client.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void recordsAProxiedRequestWithItsRouteProviderModelStatusAndOutcome() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "Hi"))));
		long before = requests("fast", "primary", "gpt-4o-mini", "200", "success");

		chat(TEAM_A_KEY, "fast");

		// recorded when the exchange is over, which may be just after the client has the last byte
		eventually(() -> assertThat(requests("fast", "primary", "gpt-4o-mini", "200", "success")).isEqualTo(before + 1));
		Map<String, String> labels = Map.of("route", "fast", "provider", "primary", "model", "gpt-4o-mini", "status",
				"200", "outcome", "success");
		assertThat(scrapedCount(prometheusScrape(), "switchboard_requests_seconds_count", labels)).as("in the Prometheus scrape")
			.isEqualTo(before + 1);
	}

	@Test
	void recordsAJsonAnswerAsAGenAiOperationWithTheTokensItReported() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4.1", "Hi"))));
		long before = genAiDurations("gpt-4.1", "none");
		double inputBefore = tokens("gpt-4.1", "input");
		double outputBefore = tokens("gpt-4.1", "output");

		chat(TEAM_A_KEY, "primary/gpt-4.1");

		eventually(() -> assertThat(genAiDurations("gpt-4.1", "none")).isEqualTo(before + 1));
		assertThat(tokens("gpt-4.1", "input")).as("prompt_tokens of the answer's usage").isEqualTo(inputBefore + 5);
		assertThat(tokens("gpt-4.1", "output")).as("completion_tokens of the answer's usage")
			.isEqualTo(outputBefore + 2);
		String scrape = prometheusScrape();
		assertThat(scrapedCount(scrape, "gen_ai_client_operation_duration_seconds_count",
				Map.of("gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai", "gen_ai_request_model",
						"gpt-4.1", "error_type", "none")))
			.as("in the Prometheus scrape under the convention's names")
			.isEqualTo(before + 1);
		assertThat(scrape).contains("gen_ai_client_operation_duration_seconds_bucket{")
			.contains("gen_ai_client_token_usage_count{")
			.contains("le=\"81.92\"");
	}

	@Test
	void recordsAFailedGenAiOperationWithItsErrorTypeAndNoTokens() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(500)));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(500)));
		long before = genAiDurations("gpt-4o-mini", "502");

		chat(TEAM_A_KEY, "fast");

		eventually(() -> assertThat(genAiDurations("gpt-4o-mini", "502")).isEqualTo(before + 1));
	}

	@Test
	void countsConfigurationReloadsFromZero() {
		assertThat(this.meterRegistry.get(GatewayMetrics.CONFIG_RELOADS).tag("outcome", "failure").counters())
			.as("registered at start-up, so an alert on failures has a series from the start")
			.isNotEmpty();
		assertThat(prometheusScrape()).contains("switchboard_config_reloads_total{outcome=\"failure\",trigger=\"file\"}");
	}

	@Test
	void recordsAFailedRequestAndItsFallbacks() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(500)));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(503)));
		long before = requests("fast", "none", "gpt-4o-mini", "502", "server_error");
		double fallbacksBefore = fallbacks("fast", "primary");

		chat(TEAM_A_KEY, "fast");

		eventually(() -> assertThat(requests("fast", "none", "gpt-4o-mini", "502", "server_error")).isEqualTo(before + 1));
		assertThat(fallbacks("fast", "primary")).isEqualTo(fallbacksBefore + 1);
		assertThat(scrapedCount(prometheusScrape(), "switchboard_requests_seconds_count",
				Map.of("route", "fast", "provider", "none", "status", "502", "outcome", "server_error")))
			.isEqualTo(before + 1);
	}

	@Test
	void recordsARequestRejectedBeforeRouting() {
		long before = requests("none", "none", "none", "401", "client_error");

		chat("sk-unknown-key-777", "fast");

		eventually(() -> assertThat(requests("none", "none", "none", "401", "client_error")).isEqualTo(before + 1));
	}

	@Test
	void neverPutsAKeyIntoTheScrape() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(500)));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("llama-3.3-70b", "Hi"))));
		chat(TEAM_A_KEY, "fast");
		chat(LIMITED_KEY, "chain");
		chat(HASHED_KEY, "fast");
		chat("sk-unknown-key-777", "fast");
		chat(TEAM_A_KEY, "dead-first");
		eventually(() -> assertThat(requests("dead-first", "secondary", "llama-3.3-70b", "200", "success")).isPositive());

		String scrape = prometheusScrape();

		assertThat(scrape).contains("switchboard_requests_seconds_count");
		assertThat(scrape).as("no gateway or provider key, nor a presented one")
			.doesNotContain(SECRETS)
			.doesNotContain("sk-unknown-key-777")
			.doesNotContain("SECRET");
	}

	private static void eventually(ThrowingRunnable assertion) {
		Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(assertion);
	}

	private void chat(String key, String model) {
		this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody(model))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private long requests(String route, String provider, String model, String status, String outcome) {
		Search search = this.meterRegistry.find(GatewayMetrics.REQUESTS)
			.tag("route", route)
			.tag("provider", provider)
			.tag("model", model)
			.tag("status", status)
			.tag("outcome", outcome);
		return (search.timer() != null) ? search.timer().count() : 0;
	}

	private long genAiDurations(String model, String errorType) {
		Search search = this.meterRegistry.find(GatewayMetrics.GEN_AI_OPERATION_DURATION)
			.tag(GenAiConventions.REQUEST_MODEL, model)
			.tag(GenAiConventions.ERROR_TYPE, errorType);
		return (search.timer() != null) ? search.timer().count() : 0;
	}

	private double tokens(String model, String type) {
		Search search = this.meterRegistry.find(GatewayMetrics.GEN_AI_TOKEN_USAGE)
			.tag(GenAiConventions.REQUEST_MODEL, model)
			.tag(GenAiConventions.TOKEN_TYPE, type);
		// one series per key and route too: count them all
		return search.summaries().stream().mapToDouble(io.micrometer.core.instrument.DistributionSummary::totalAmount).sum();
	}

	private double fallbacks(String route, String provider) {
		Search search = this.meterRegistry.find(GatewayMetrics.FALLBACKS).tag("route", route).tag("provider", provider);
		// one counter per reason (the failing status, timeout, ...): count them all
		return search.counters().stream().mapToDouble(Counter::count).sum();
	}

	/** The sum of the samples of {@code name} whose labels include {@code wanted}. */
	private static long scrapedCount(String scrape, String name, Map<String, String> wanted) {
		double total = 0;
		Matcher sample = SAMPLE.matcher(scrape);
		while (sample.find()) {
			if (!sample.group(1).equals(name)) {
				continue;
			}
			Map<String, String> labels = new LinkedHashMap<>();
			Matcher label = LABEL.matcher(sample.group(2));
			while (label.find()) {
				labels.put(label.group(1), label.group(2));
			}
			if (labels.entrySet().containsAll(wanted.entrySet())) {
				total += Double.parseDouble(sample.group(3));
			}
		}
		return (long) total;
	}

}
