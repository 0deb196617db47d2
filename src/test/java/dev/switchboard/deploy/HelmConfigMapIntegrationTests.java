package dev.switchboard.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.auth.KeyRegistry;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.ScriptedUpstream;

import static dev.switchboard.deploy.RenderedChart.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the gateway the way the chart's pod does: the rendered ConfigMap's file at the path the Deployment points
 * {@code SPRING_CONFIG_ADDITIONALLOCATION} at, and the Deployment's environment, with a stand-in value for every
 * Secret it references. The gateway must accept the configuration and use the secrets where the values put them.
 */
class HelmConfigMapIntegrationTests {

	private static final ScriptedUpstream OPENAI = new ScriptedUpstream();

	private static final String OPS_KEY = "sk-ops-0123456789";

	@TempDir
	Path mount;

	@Test
	void theGatewayStartsOnTheConfigurationRenderedFromDefaultValues() throws IOException {
		try (ConfigurableApplicationContext context = startAsThePodWould(RenderedChart.render(""), Map.of())) {
			RuntimeConfig config = context.getBean(RuntimeConfigHolder.class).current();

			assertThat(config.routes().resolve("demo")).as("the image's built-in demo route is untouched").isNotNull();
			assertThat(context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
				.isEqualTo("30s");
		}
	}

	@Test
	void theGatewayStartsOnTheConfigurationAndSecretsRenderedFromNonDefaultValues() throws IOException {
		AtomicReference<String> upstreamAuthorization = new AtomicReference<>();
		OPENAI.respond((request, response) -> {
			upstreamAuthorization.set(request.requestHeaders().get("authorization"));
			return response.header("content-type", "application/json")
				.sendString(Mono.just(OpenAiFixtures.completion("gpt-4o-mini", "Hello from upstream")));
		});
		RenderedChart chart = RenderedChart.render("""
				switchboard:
				  auth:
				    keys:
				      - name: team-a
				        keySecret: {name: gateway-keys, key: team-a}
				        models: ["fast", "openai/*"]
				      - name: ops
				        key-sha256: %s
				  providers:
				    openai:
				      type: openai
				      base-url: %s
				      apiKeySecret: {name: llm-keys, key: openai}
				      models: [gpt-4o-mini]
				      first-byte-timeout: 5s
				    local-llm:
				      type: openai
				      base-url: http://127.0.0.1:9/v1
				  routes:
				    - model: fast
				      strategy: fallback
				      retries: 1
				      targets:
				        - {provider: openai, model: gpt-4o-mini}
				        - {provider: local-llm, model: llama-3}
				  limits:
				    max-request-bytes: 1MB
				springConfig:
				  resilience4j:
				    circuitbreaker:
				      configs:
				        default:
				          wait-duration-in-open-state: 45s
				shutdown:
				  gracePeriodSeconds: 45
				""".formatted(HexFormat.of().formatHex(KeyRegistry.sha256(OPS_KEY)), OPENAI.baseUrl()));
		Map<String, String> secrets = Map.of("gateway-keys/team-a", "sk-team-a-from-secret-0123456789",
				"llm-keys/openai", "sk-openai-from-secret-0123456789");

		try (ConfigurableApplicationContext context = startAsThePodWould(chart, secrets)) {
			RuntimeConfig config = context.getBean(RuntimeConfigHolder.class).current();
			RoutePlan fast = config.routes().resolve("fast");
			assertThat(fast).isNotNull();
			assertThat(fast.targets()).extracting((target) -> target.provider().id() + "/" + target.model())
				.containsExactly("openai/gpt-4o-mini", "local-llm/llama-3");
			assertThat(fast.retries()).isEqualTo(1);
			assertThat(config.keys().find("sk-team-a-from-secret-0123456789")).as("the gateway key from its Secret")
				.isNotNull();
			assertThat(config.keys().find(OPS_KEY)).as("the key given by its digest").isNotNull();
			assertThat(context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
				.isEqualTo("45s");
			assertThat(context.getEnvironment()
				.getProperty("resilience4j.circuitbreaker.configs.default.wait-duration-in-open-state"))
				.as("springConfig reaches Spring")
				.isEqualTo("45s");

			WebTestClient client = WebTestClient.bindToServer()
				.baseUrl("http://127.0.0.1:" + ExtraGateway.port(context))
				.responseTimeout(Duration.ofSeconds(10))
				.build();
			client.get()
				.uri("/v1/models")
				.header("Authorization", "Bearer sk-team-a-from-secret-0123456789")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.data[*].id")
				.value((ids) -> assertThat((List<Object>) ids).contains("fast", "openai/gpt-4o-mini"));
			client.post()
				.uri("/v1/chat/completions")
				.header("Authorization", "Bearer sk-team-a-from-secret-0123456789")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("x-switchboard-provider", "openai");
			assertThat(upstreamAuthorization.get()).as("the provider key from its Secret went upstream")
				.isEqualTo("Bearer sk-openai-from-secret-0123456789");
		}
	}

	/**
	 * Writes the ConfigMap's file into {@link #mount} and starts the gateway with the Deployment's environment, the
	 * mount path replaced by that directory and every {@code secretKeyRef} by the value {@code secrets} gives for
	 * {@code <secret>/<key>}.
	 */
	private ConfigurableApplicationContext startAsThePodWould(RenderedChart chart, Map<String, String> secrets)
			throws IOException {
		String mountPath = at(chart.container(), "volumeMounts[0].mountPath");
		assertThat((String) at(chart.container(), "volumeMounts[0].name")).isEqualTo("config");
		Files.writeString(this.mount.resolve("switchboard.yaml"), chart.configFile());
		Map<String, Object> environment = new HashMap<>();
		chart.env().forEach((name, entry) -> {
			if (entry.containsKey("value")) {
				environment.put(name, entry.get("value"));
			}
			else {
				Map<String, String> ref = at(entry, "valueFrom.secretKeyRef");
				String value = secrets.get(ref.get("name") + "/" + ref.get("key"));
				assertThat(value).as("a stand-in for secret %s", ref).isNotNull();
				environment.put(name, value);
			}
		});
		String location = (String) environment.get("SPRING_CONFIG_ADDITIONALLOCATION");
		assertThat(location).startsWith("file:" + mountPath + "/");
		environment.put("SPRING_CONFIG_ADDITIONALLOCATION",
				"file:" + this.mount.toAbsolutePath() + location.substring(("file:" + mountPath).length()));
		assertThat(environment.remove("JAVA_TOOL_OPTIONS")).as("read by the JVM at launch, not by the gateway")
			.isNotNull();
		ConfigurableApplicationContext context = ExtraGateway.start(environment);
		assertThat(context.getEnvironment().getPropertySources().stream().map(PropertySource::getName))
			.as("the gateway read the mounted file")
			.anyMatch((name) -> name.contains(this.mount.resolve("switchboard.yaml").toString()));
		return context;
	}

}
