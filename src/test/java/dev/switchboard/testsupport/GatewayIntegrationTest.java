package dev.switchboard.testsupport;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of the integration tests: the gateway booted on a random port with profile {@code it}
 * ({@code application-it.yaml}), and WireMock providers ({@code primary}, {@code secondary}, {@code third} of type
 * openai, {@code claude} of type anthropic, {@code gemini} of type gemini)
 * that live as long as the JVM. Every subclass sees the same properties, so Spring's test context cache boots the
 * gateway once for all of them.
 * <p>
 * Before each test the WireMock stubs and request journals are reset and every circuit breaker is closed again;
 * after each, no upstream connection may still be acquired from the pool (Reactor Netty's pool metrics).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
public abstract class GatewayIntegrationTest {

	/** Gateway key of {@code team-a}, which may use every model. */
	protected static final String TEAM_A_KEY = "sk-team-a-0123456789";

	/** Gateway key limited to {@code fast}, {@code primary/*} and {@code demo}. */
	protected static final String LIMITED_KEY = "sk-limited-0123456789";

	/** Gateway key configured only by its SHA-256, limited to {@code fast} and {@code primary/*}. */
	protected static final String HASHED_KEY = "sk-limited-hashed-0123456789";

	/** Gateway key with {@code admin: true} (actuator writes, {@code /actuator/gateway/**}). */
	protected static final String ADMIN_KEY = "sk-ops-admin-0123456789";

	protected static final String PRIMARY_PROVIDER_KEY = "sk-provider-primary-SECRET";

	protected static final String SECONDARY_PROVIDER_KEY = "sk-provider-secondary-SECRET";

	protected static final WireMockServer PRIMARY = start();

	protected static final WireMockServer SECONDARY = start();

	protected static final WireMockServer THIRD = start();

	/** Provider {@code claude}, of type anthropic: serves {@code /v1/messages}. */
	protected static final WireMockServer CLAUDE = start();

	protected static final String CLAUDE_PROVIDER_KEY = "sk-ant-provider-SECRET";

	/** Provider {@code gemini}, of type gemini: serves {@code /v1beta/models/{model}:generateContent}. */
	protected static final WireMockServer GEMINI = start();

	protected static final String GEMINI_PROVIDER_KEY = "gemini-provider-SECRET";

	/** Provider {@code scripted}: streams, stalls and cuts on a script, and reports closed connections. */
	protected static final ScriptedUpstream SCRIPTED = new ScriptedUpstream();

	/** The shared gateway's {@code switchboard.state.dir}: new for every JVM. */
	protected static final String STATE_DIR = tempDir();

	@LocalServerPort
	protected int port;

	@Autowired
	protected CircuitBreakerRegistry circuitBreakers;

	protected WebTestClient client;

	@DynamicPropertySource
	static void providers(DynamicPropertyRegistry registry) {
		registry.add("switchboard.providers.primary.base-url", () -> PRIMARY.baseUrl() + "/v1");
		registry.add("switchboard.providers.secondary.base-url", () -> SECONDARY.baseUrl() + "/v1");
		registry.add("switchboard.providers.third.base-url", () -> THIRD.baseUrl() + "/v1");
		registry.add("switchboard.providers.fragile.base-url", () -> THIRD.baseUrl() + "/v1");
		registry.add("switchboard.providers.scripted.base-url", SCRIPTED::baseUrl);
		registry.add("switchboard.providers.claude.base-url", CLAUDE::baseUrl);
		// Azure's base URL is the resource host; Groq's and Ollama's keep their real paths under WireMock
		registry.add("switchboard.providers.azure.base-url", THIRD::baseUrl);
		registry.add("switchboard.providers.azure-entra.base-url", THIRD::baseUrl);
		registry.add("switchboard.providers.azure-v1.base-url", THIRD::baseUrl);
		registry.add("switchboard.providers.groq.base-url", () -> THIRD.baseUrl() + "/openai/v1");
		registry.add("switchboard.providers.local-ollama.base-url", () -> THIRD.baseUrl() + "/v1");
		registry.add("switchboard.providers.gemini.base-url", GEMINI::baseUrl);
		// the guardrail webhooks of application-it.yaml
		registry.add("switchboard.guardrails.it-policy.url", () -> THIRD.baseUrl() + "/policy");
		registry.add("switchboard.guardrails.it-policy-strict.url", () -> THIRD.baseUrl() + "/policy");
		// the plain SCG route of application-it.yaml (Path=/internal/**)
		registry.add("test.plain-upstream", THIRD::baseUrl);
		// the local state store (spend, counters) starts empty on every run
		registry.add("switchboard.state.dir", () -> STATE_DIR);
	}

	/** Every test, whatever it did to the upstreams, leaves no upstream connection acquired: nothing leaked. */
	@AfterEach
	void noUpstreamConnectionLeaked() throws InterruptedException {
		UpstreamPool.assertNoConnectionInUse();
	}

	@BeforeEach
	void resetProviders() {
		for (WireMockServer server : new WireMockServer[] { PRIMARY, SECONDARY, THIRD, CLAUDE, GEMINI }) {
			server.resetAll();
		}
		SCRIPTED.reset();
		this.circuitBreakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
		this.client = WebTestClient.bindToServer()
			.baseUrl(baseUrl())
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	/**
	 * {@code /actuator/prometheus} as text. Every test class's routes, providers and models are tagged series of the
	 * one cached gateway, so by the end of the suite the scrape outgrows the test client's default 256 KiB.
	 */
	protected String prometheusScrape() {
		EntityExchangeResult<byte[]> result = this.client.mutate()
			.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult();
		return new String(result.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8);
	}

	private static String tempDir() {
		try {
			return java.nio.file.Files.createTempDirectory("switchboard-it-state").toString();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	protected String baseUrl() {
		return "http://localhost:" + this.port;
	}

	/** POSTs a chat completion for {@code model} with team-a's key, and returns whatever came back. */
	protected EntityExchangeResult<byte[]> chat(String model) {
		return this.client.post()
			.uri("/v1/chat/completions")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody(model))
			.exchange()
			.expectBody()
			.returnResult();
	}

	/** A chat completion request body for {@code model}. */
	protected static String chatBody(String model) {
		return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
	}

	/** A streaming chat completion request body for {@code model}. */
	protected static String streamBody(String model) {
		return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
	}

	private static WireMockServer start() {
		WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().asynchronousResponseEnabled(true));
		server.start();
		Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
		return server;
	}

}
