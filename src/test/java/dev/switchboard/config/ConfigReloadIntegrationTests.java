package dev.switchboard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.ScriptedUpstream;
import dev.switchboard.testsupport.StreamingClient;
import dev.switchboard.testsupport.StreamingClient.Streamed;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot reload, end to end: a gateway started with {@code --spring.config.additional-location} pointing at a file laid
 * out as Kubernetes mounts a ConfigMap ({@code switchboard.yaml -> ..data/switchboard.yaml}, with {@code ..data} a
 * symbolic link that an update replaces atomically), two upstream providers, and changes published the way the
 * kubelet publishes them.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigReloadIntegrationTests {

	private static final String ADMIN_KEY = "sk-reload-admin-0123456789";

	private static final String USER_A_KEY = "sk-reload-user-a-0123456789";

	private static final String USER_B_KEY = "sk-reload-user-b-0123456789";

	private static final String CHAT = "/v1/chat/completions";

	private final ScriptedUpstream oldUpstream = new ScriptedUpstream();

	private final ScriptedUpstream newUpstream = new ScriptedUpstream();

	private final AtomicInteger versions = new AtomicInteger();

	private Path mount;

	private ConfigurableApplicationContext gateway;

	private WebTestClient client;

	@BeforeAll
	void startWithAMountedConfigMap() throws IOException {
		this.mount = Files.createTempDirectory("switchboard-configmap");
		publish(config("old", true, ""));
		Files.createSymbolicLink(this.mount.resolve("switchboard.yaml"), Path.of("..data", "switchboard.yaml"));
		this.gateway = ExtraGateway.start("--spring.config.additional-location=file:" + this.mount.resolve("switchboard.yaml"));
		this.client = ExtraGateway.client(this.gateway);
	}

	@AfterAll
	void stop() {
		if (this.gateway != null) {
			this.gateway.close();
		}
	}

	@BeforeEach
	void baseConfiguration() throws IOException {
		this.oldUpstream.respond((request, response) -> response.header("content-type", "application/json")
			.sendString(Mono.just(OpenAiFixtures.completion("old-model", "from old"))));
		this.newUpstream.respond((request, response) -> response.header("content-type", "application/json")
			.sendString(Mono.just(OpenAiFixtures.completion("new-model", "from new"))));
		publish(config("old", true, ""));
		assertThat(reloader().reload(ConfigReloader.TRIGGER_ENDPOINT).success()).as("the base configuration is valid")
			.isTrue();
	}

	@Test
	void watchesTheFileTheGatewayStartedWith() {
		assertThat(reloader().watchedFiles()).as("the link the gateway was given, not where it points today")
			.contains(this.mount.resolve("switchboard.yaml").toAbsolutePath());
	}

	@Test
	void aValidChangeTakesEffectWithinFiveSecondsWhileAStreamInFlightKeepsTheOldRoute() throws Exception {
		List<String> events = List.of(OpenAiFixtures.chunkEvent("old-model", "one"),
				OpenAiFixtures.chunkEvent("old-model", "two"), OpenAiFixtures.chunkEvent("old-model", "three"),
				OpenAiFixtures.chunkEvent("old-model", "four"), OpenAiFixtures.finishEvent("old-model"),
				OpenAiFixtures.DONE_EVENT);
		// streams slowly when asked for a stream, answers JSON at once otherwise
		this.oldUpstream.respond((request, response) -> request.receive().aggregate().asString().flatMap(body -> {
			if (body.contains("\"stream\":true")) {
				return response.header("content-type", "text/event-stream")
					.sendString(Flux.interval(Duration.ZERO, Duration.ofMillis(400)).take(events.size()).map(i -> events.get(i.intValue())))
					.then();
			}
			return response.header("content-type", "application/json")
				.sendString(Mono.just(OpenAiFixtures.completion("old-model", "from old")))
				.then();
		}));
		double fileReloads = reloads("success", ConfigReloader.TRIGGER_FILE);
		assertThat(chatAs(USER_B_KEY).getStatus().value()).as("user-b's key works before the change").isEqualTo(200);

		int requestsBefore = this.oldUpstream.requestCount();
		CompletableFuture<Streamed> inFlight = new StreamingClient(ExtraGateway.baseUrl(this.gateway), USER_A_KEY)
			.post(CHAT, "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.toFuture();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.oldUpstream.requestCount() > requestsBefore);

		// route "chat" moves to the new provider, and user-b's key is removed
		long published = System.nanoTime();
		publish(config("new", false, ""));
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> "new".equals(chatAs(USER_A_KEY).getResponseHeaders().getFirst("x-switchboard-provider")));
		long applied = System.nanoTime();

		assertThat(Duration.ofNanos(applied - published)).as("a change is in force within 5 seconds")
			.isLessThan(Duration.ofSeconds(5));
		assertThat(reloads("success", ConfigReloader.TRIGGER_FILE)).as("the watcher reloaded it")
			.isGreaterThan(fileReloads);
		EntityExchangeResult<byte[]> removed = chatAs(USER_B_KEY);
		assertThat(removed.getStatus().value()).as("a removed key is rejected at once").isEqualTo(401);
		assertThat(new String(removed.getResponseBodyContent())).contains("invalid_api_key");

		Streamed streamed = inFlight.get(15, TimeUnit.SECONDS);
		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.headers().get("x-switchboard-provider")).as("the stream stayed on the route it started on")
			.isEqualTo("old");
		assertThat(streamed.events()).as("every event of the old upstream, and a clean end")
			.containsExactlyElementsOf(events);
		assertThat(streamed.chunks().get(streamed.chunks().size() - 1).arrivalNanos())
			.as("the stream was still running when the new configuration was in force")
			.isGreaterThan(applied);
	}

	@Test
	void anInvalidChangeIsRejectedWholeAndTheOldConfigurationKeepsServing(CapturedOutput output) throws IOException {
		double failures = reloads("failure", ConfigReloader.TRIGGER_FILE);

		// valid changes (route to "new", user-b removed) next to one mistake: none of it may apply
		publish(config("new", false, "") + """
				    - model: broken
				      targets:
				        - provider: nowhere
				          model: x
				""");

		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> reloads("failure", ConfigReloader.TRIGGER_FILE) > failures);
		assertThat(output.getAll()).as("one log line says it was rejected and names what is wrong")
			.contains("Configuration reload (file) rejected, the previous configuration stays in force")
			.contains("switchboard.routes[1].targets[0].provider: unknown provider 'nowhere'")
			.doesNotContain(ADMIN_KEY, USER_A_KEY, USER_B_KEY, "sk-reload-old-SECRET");
		EntityExchangeResult<byte[]> answer = chatAs(USER_B_KEY);
		assertThat(answer.getStatus().value()).as("the key the rejected file removed still works").isEqualTo(200);
		assertThat(answer.getResponseHeaders().getFirst("x-switchboard-provider"))
			.as("the route the rejected file changed is unchanged")
			.isEqualTo("old");
		assertThat(reloads("failure", ConfigReloader.TRIGGER_FILE)).as("a rejected file is not retried until it changes")
			.isEqualTo(failures + 1);
	}

	@Test
	void aFileThatIsNotYamlIsRejectedWithoutQuotingIt(CapturedOutput output) throws IOException {
		double failures = reloads("failure", ConfigReloader.TRIGGER_ENDPOINT);
		publish("switchboard:\n  auth:\n    keys:\n      - key: sk-leaked-0123456789: [unclosed\n");

		ReloadResult result = reloader().reload(ConfigReloader.TRIGGER_ENDPOINT);

		assertThat(result.success()).isFalse();
		assertThat(result.problems()).singleElement().asString().startsWith("the configuration files could not be read");
		assertThat(reloads("failure", ConfigReloader.TRIGGER_ENDPOINT)).isEqualTo(failures + 1);
		assertThat(output.getAll()).as("the offending line is not echoed: it may hold a key")
			.doesNotContain("sk-leaked-0123456789");
		assertThat(chatAs(USER_A_KEY).getStatus().value()).isEqualTo(200);
	}

	@Test
	void theReloadEndpointNeedsAnAdminKey() {
		this.client.post().uri("/actuator/reload").exchange().expectStatus().isUnauthorized();
		this.client.post()
			.uri("/actuator/reload")
			.header("Authorization", "Bearer sk-not-a-key-0123456789")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.client.post()
			.uri("/actuator/reload")
			.header("Authorization", "Bearer " + USER_A_KEY)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("an admin gateway key is required");
		// reads stay open
		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
	}

	@Test
	void theReloadEndpointPutsAChangeInForceAtOnceOrAnswersEveryProblem() throws IOException {
		publish(config("new", true, """
				    - model: extra
				      targets:
				        - provider: new
				          model: new-model
				"""));

		this.client.post()
			.uri("/actuator/reload")
			.header("x-api-key", ADMIN_KEY)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.outcome")
			.isEqualTo("success")
			.jsonPath("$.keys")
			.isEqualTo(3)
			.jsonPath("$.routes")
			.isEqualTo(2);
		EntityExchangeResult<byte[]> extra = this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + USER_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"extra\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(extra.getStatus().value()).as("the new route answers as soon as the endpoint returned").isEqualTo(200);
		assertThat(extra.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("new");

		publish(config("new", true, "") + "  limits:\n    max-request-bytes: 0\n");
		this.client.post()
			.uri("/actuator/reload")
			.header("x-api-key", ADMIN_KEY)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.outcome")
			.isEqualTo("failure")
			.jsonPath("$.problems[0]")
			.isEqualTo("switchboard.limits.max-request-bytes must be positive");
		assertThat(chatAs(USER_A_KEY).getResponseHeaders().getFirst("x-switchboard-provider"))
			.as("the rejected configuration changed nothing")
			.isEqualTo("new");
	}

	@Test
	void userRoutesInTheSameFileReloadWithTheSwitchboardSection() throws IOException {
		String userRoute = """
				spring:
				  cloud:
				    gateway:
				      server:
				        webflux:
				          routes:
				            - id: canary
				              uri: switchboard:new/new-model
				              predicates:
				                - Header=X-Canary, yes
				""";
		assertThat(canaryChat().getResponseHeaders().getFirst("x-switchboard-provider"))
			.as("before: no user route, the alias serves").isEqualTo("old");

		publish(config("old", true, "") + userRoute);
		assertThat(reloader().reload(ConfigReloader.TRIGGER_ENDPOINT).success()).isTrue();
		EntityExchangeResult<byte[]> canary = canaryChat();
		assertThat(canary.getResponseHeaders().getFirst("x-switchboard-route")).isEqualTo("canary");
		assertThat(canary.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("new");
		assertThat(chatAs(USER_A_KEY).getResponseHeaders().getFirst("x-switchboard-provider"))
			.as("requests the user route does not match still reach the alias").isEqualTo("old");

		publish(config("old", true, ""));
		assertThat(reloader().reload(ConfigReloader.TRIGGER_ENDPOINT).success()).isTrue();
		assertThat(canaryChat().getResponseHeaders().getFirst("x-switchboard-route"))
			.as("the route removed from the file is gone").isEqualTo("switchboard-aliases");
	}

	private EntityExchangeResult<byte[]> canaryChat() {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + USER_A_KEY)
			.header("X-Canary", "yes")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
	}

	private EntityExchangeResult<byte[]> chatAs(String key) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
	}

	/**
	 * A configuration: route {@code chat} on {@code provider}, keys admin and user-a, and user-b when
	 * {@code withUserB}; {@code moreRoutes} are appended to the route list.
	 */
	private String config(String provider, boolean withUserB, String moreRoutes) {
		return """
				switchboard:
				  auth:
				    keys:
				      - name: admin
				        key: %s
				        admin: true
				      - name: user-a
				        key: %s
				%s  providers:
				    old:
				      type: openai
				      base-url: %s
				      api-key: sk-reload-old-SECRET
				    new:
				      type: openai
				      base-url: %s
				      api-key: sk-reload-new-SECRET
				  routes:
				    - model: chat
				      targets:
				        - provider: %s
				          model: %s-model
				%s""".formatted(ADMIN_KEY, USER_A_KEY,
				withUserB ? "      - name: user-b\n        key: " + USER_B_KEY + "\n" : "", this.oldUpstream.baseUrl(),
				this.newUpstream.baseUrl(), provider, provider, moreRoutes);
	}

	/**
	 * Publishes {@code yaml} as the kubelet updates a ConfigMap volume: a new directory with the files, then the
	 * {@code ..data} link replaced by an atomic rename, so readers see the old files or the new ones, never a mix.
	 */
	private void publish(String yaml) throws IOException {
		Path version = Files.createDirectory(this.mount.resolve("..v" + this.versions.incrementAndGet()));
		Files.writeString(version.resolve("switchboard.yaml"), yaml);
		Path next = this.mount.resolve("..data_tmp");
		Files.createSymbolicLink(next, version.getFileName());
		Files.move(next, this.mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	private double reloads(String outcome, String trigger) {
		return this.gateway.getBean(MeterRegistry.class)
			.get(GatewayMetrics.CONFIG_RELOADS)
			.tag("outcome", outcome)
			.tag("trigger", trigger)
			.counter()
			.count();
	}

	private ConfigReloader reloader() {
		return this.gateway.getBean(ConfigReloader.class);
	}

}
