package dev.switchboard.observability;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.SwitchboardApplication;
import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.PrivateReactorResources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing on ({@code switchboard.tracing.enabled}), its spans exported to memory through the same OpenTelemetry SDK
 * an OTLP endpoint would use: a server span per request, a client span per upstream attempt, GenAI attributes, and
 * the W3C trace context carried from the client to the provider.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIntegrationTests {

	private static final String KEY = "sk-tracing-0123456789";

	private static final String CLIENT_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";

	private final WireMockServer upstream = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private ConfigurableApplicationContext gateway;

	private InMemorySpanExporter spans;

	private WebTestClient client;

	@BeforeAll
	void start() {
		this.upstream.start();
		this.gateway = ExtraGateway.start(new SpringApplicationBuilder(SwitchboardApplication.class,
				PrivateReactorResources.class, InMemoryExport.class), "--switchboard.tracing.enabled=true",
				"--management.opentelemetry.tracing.export.schedule-delay=50ms",
				"--switchboard.auth.keys[0].name=tracer", "--switchboard.auth.keys[0].key=" + KEY,
				"--switchboard.providers.up.type=openai", "--switchboard.providers.up.base-url=" + this.upstream.baseUrl() + "/v1",
				"--switchboard.providers.up.api-key=sk-tracing-provider-SECRET", "--switchboard.routes[0].model=traced",
				"--switchboard.routes[0].targets[0].provider=up", "--switchboard.routes[0].targets[0].model=up-model");
		this.spans = this.gateway.getBean(InMemorySpanExporter.class);
		this.client = ExtraGateway.client(this.gateway);
	}

	@AfterAll
	void stop() {
		if (this.gateway != null) {
			this.gateway.close();
		}
		this.upstream.stop();
	}

	@BeforeEach
	void reset() {
		this.upstream.resetAll();
		this.spans.reset();
	}

	@Test
	void oneServerSpanPerRequestAndOneClientSpanPerAttemptWithGenAiAttributes(CapturedOutput output) {
		this.upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("up-model", "Hi"))));

		chat("traced", "00-" + CLIENT_TRACE_ID + "-" + CLIENT_SPAN_ID + "-01").expectStatus().isOk();

		List<SpanData> trace = awaitSpans(CLIENT_TRACE_ID, 2);
		SpanData server = single(trace, SpanKind.SERVER);
		SpanData attempt = single(trace, SpanKind.CLIENT);
		assertThat(server.getParentSpanId()).as("the request continues the client's trace").isEqualTo(CLIENT_SPAN_ID);
		assertThat(server.getName()).isEqualTo("chat traced");
		assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
		assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("traced");
		assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("up-model");
		assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
		assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.system"))).isEqualTo("openai");
		assertThat(server.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(5L);
		assertThat(server.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(2L);
		assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
		assertThat(server.getAttributes().get(AttributeKey.stringKey("switchboard.route"))).isEqualTo("traced");
		assertThat(server.getAttributes().get(AttributeKey.stringKey("switchboard.provider"))).isEqualTo("up");

		assertThat(attempt.getParentSpanId()).as("the attempt is a child of the request").isEqualTo(server.getSpanId());
		assertThat(attempt.getName()).isEqualTo("chat up-model");
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("up-model");
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
		assertThat(attempt.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);

		List<LoggedRequest> sent = this.upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
		assertThat(sent).singleElement()
			.extracting(request -> request.getHeader("traceparent"))
			.as("the provider gets the attempt's context, not the client's")
			.isEqualTo("00-" + CLIENT_TRACE_ID + "-" + attempt.getSpanId() + "-01");
		assertThat(output.getAll()).as("the access log names the trace").contains("trace_id=" + CLIENT_TRACE_ID);
		assertThat(output.getAll()).doesNotContain("sk-tracing-provider-SECRET", KEY);
	}

	@Test
	void everyAttemptOfAFallbackIsASpanAndAFailedOneSaysWhy() {
		this.upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(503)));

		chat("traced", null).expectStatus().isEqualTo(502);

		List<SpanData> exported = Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> List.copyOf(this.spans.getFinishedSpanItems()), list -> list.size() >= 2);
		SpanData server = single(exported, SpanKind.SERVER);
		SpanData attempt = single(exported, SpanKind.CLIENT);
		assertThat(server.getParentSpanId()).as("no client trace: a new root").isEqualTo("0000000000000000");
		assertThat(attempt.getTraceId()).isEqualTo(server.getTraceId());
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
		assertThat(server.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("502");
		assertThat(server.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).as("no usage known")
			.isNull();
	}

	private WebTestClient.ResponseSpec chat(String model, String traceparent) {
		WebTestClient.RequestBodySpec request = this.client.post()
			.uri("/v1/chat/completions")
			.header("Authorization", "Bearer " + KEY)
			.contentType(MediaType.APPLICATION_JSON);
		if (traceparent != null) {
			request = request.header("traceparent", traceparent);
		}
		return request.bodyValue("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange();
	}

	private List<SpanData> awaitSpans(String traceId, int count) {
		return Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList(),
					list -> list.size() >= count);
	}

	private static SpanData single(List<SpanData> spans, SpanKind kind) {
		List<SpanData> ofKind = spans.stream().filter(span -> span.getKind() == kind).toList();
		assertThat(ofKind).as("one %s span", kind).hasSize(1);
		return ofKind.get(0);
	}

	/** Spans go to memory; Spring Boot's OpenTelemetry set-up takes any SpanExporter bean. */
	@TestConfiguration(proxyBeanMethods = false)
	static class InMemoryExport {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

	}

}
