package dev.switchboard.observability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import dev.switchboard.testsupport.GatewayIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log as Spring Boot's structured logging writes it ({@code logging.structured.format.console: ecs}): one
 * JSON line per request with the request id, route, provider, model, status and latency as fields, and never a key
 * (not even a rejected one), a prompt or a completion.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final String PROMPT = "Tell me the launch codes of project Bluebird";

	private static final String COMPLETION = "The codes are hunter2";

	private static final String REJECTED_KEY = "sk-rejected-key-424242";

	private final ByteArrayOutputStream json = new ByteArrayOutputStream();

	private OutputStreamAppender<ILoggingEvent> appender;

	@BeforeEach
	void writeTheAccessLogAsEcsJson() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		StructuredLogEncoder encoder = new StructuredLogEncoder();
		encoder.setContext(context);
		encoder.setFormat("ecs");
		encoder.start();
		this.appender = new OutputStreamAppender<>();
		this.appender.setContext(context);
		this.appender.setEncoder(encoder);
		this.appender.setOutputStream(this.json);
		this.appender.start();
		context.getLogger(RequestMetricsFilter.ACCESS_LOG).addAppender(this.appender);
	}

	@AfterEach
	void detach() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		Logger logger = context.getLogger(RequestMetricsFilter.ACCESS_LOG);
		logger.detachAppender(this.appender);
		this.appender.stop();
	}

	@Test
	void oneJsonLinePerRequestWithItsFields() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
					+ "\"message\":{\"role\":\"assistant\",\"content\":\"" + COMPLETION + "\"},\"finish_reason\":\"stop\"}],"
					+ "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":4,\"total_tokens\":15}}")));

		chat(TEAM_A_KEY, "access-ok");

		Map<String, Object> line = awaitLine("access-ok");
		assertThat(line).containsEntry("log", Map.of("level", "INFO", "logger", RequestMetricsFilter.ACCESS_LOG))
			.containsEntry("request_id", "access-ok")
			.containsEntry("route", "fast")
			.containsEntry("provider", "primary")
			.containsEntry("model", "gpt-4o-mini")
			.containsEntry("status", 200)
			.containsEntry("outcome", "success")
			.containsEntry("method", "POST")
			.containsEntry("path", CHAT)
			.containsEntry("attempts", 1)
			.containsEntry("key_name", "team-a")
			.containsEntry("input_tokens", 11)
			.containsEntry("output_tokens", 4)
			.containsKey("latency_ms");
		assertThat(((Number) line.get("latency_ms")).longValue()).isNotNegative();
		assertThat(line).as("tracing is off: no trace id to name").doesNotContainKey("trace_id");
	}

	@Test
	void neverLogsAKeyAPromptOrACompletion(CapturedOutput output) {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(500)));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"x\",\"choices\":[{\"index\":0,"
					+ "\"message\":{\"role\":\"assistant\",\"content\":\"" + COMPLETION + "\"},\"finish_reason\":\"stop\"}]}")));

		chat(TEAM_A_KEY, "access-fallback");
		chat(REJECTED_KEY, "access-rejected");
		chat(LIMITED_KEY, "access-forbidden", "chain");

		Map<String, Object> rejected = awaitLine("access-rejected");
		assertThat(rejected).containsEntry("status", 401).containsEntry("route", "none").doesNotContainKey("key_name");
		assertThat(awaitLine("access-forbidden")).containsEntry("status", 403).containsEntry("key_name", "limited-plain");
		assertThat(awaitLine("access-fallback")).containsEntry("provider", "secondary").containsEntry("attempts", 2);
		String all = this.json.toString(StandardCharsets.UTF_8) + output.getAll();
		assertThat(all).as("neither the JSON nor the plain-text logs hold a key, the prompt or the completion")
			.doesNotContain(MetricsIntegrationTests.SECRETS)
			.doesNotContain(REJECTED_KEY)
			.doesNotContain(PROMPT)
			.doesNotContain(COMPLETION)
			.doesNotContain("SECRET");
	}

	private void chat(String key, String requestId) {
		chat(key, requestId, "fast");
	}

	private void chat(String key, String requestId, String model) {
		this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + key)
			.header("x-request-id", requestId)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
	}

	/** The JSON access-log line of {@code requestId}, once it is written (when the exchange is over). */
	@SuppressWarnings("unchecked")
	private Map<String, Object> awaitLine(String requestId) {
		JsonMapper mapper = JsonMapper.builder().build();
		return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
			List<String> lines = this.json.toString(StandardCharsets.UTF_8).lines().toList();
			for (String line : lines) {
				Map<String, Object> fields = mapper.readValue(line, Map.class);
				if (requestId.equals(fields.get("request_id"))) {
					return fields;
				}
			}
			return null;
		}, fields -> fields != null);
	}

}
