package dev.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.SwitchboardApplication;
import dev.switchboard.testsupport.PrivateReactorResources;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderType;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RouteTable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Starts the real application, as {@code java -jar} would with command-line arguments, and checks what start-up does
 * with the {@code switchboard.*} configuration: every mistake reported at once, placeholders with defaults accepted,
 * a generated key when none is configured, and providers added for well-known API key variables.
 * <p>
 * Each start costs seconds, so each test starts the application once and checks several things. No test makes a
 * request that leaves the loopback interface.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigValidationIntegrationTests {

	private static final Pattern GENERATED_KEY = Pattern.compile("sb-[A-Za-z0-9_-]{43}");

	@Test
	void startupFailsWithOneExceptionThatListsEveryProblem(CapturedOutput output) {
		assertThat(System.getenv("TEAM_A_KEY")).as("precondition: the variable is not set").isNull();
		assertThat(System.getenv("OPENAI_KEY_X")).as("precondition: the variable is not set").isNull();

		Throwable failure = catchThrowable(() -> start(
				// two placeholders nothing resolves
				"--switchboard.auth.keys[0].name=team-a", "--switchboard.auth.keys[0].key=${TEAM_A_KEY}",
				"--switchboard.providers.up.type=openai", "--switchboard.providers.up.api-key=${OPENAI_KEY_X}",
				// base URLs that are not absolute http(s) URLs
				"--switchboard.providers.up.base-url=ftp://x", "--switchboard.providers.spaced.type=openai",
				"--switchboard.providers.spaced.base-url=not a url",
				// a type that does not exist
				"--switchboard.providers.weird.type=banana",
				// a target on a provider nobody configured, and an alias used twice
				"--switchboard.routes[0].model=demo", "--switchboard.routes[0].targets[0].provider=nowhere",
				"--switchboard.routes[0].targets[0].model=m-1", "--switchboard.routes[1].model=demo",
				"--switchboard.routes[1].targets[0].provider=up", "--switchboard.routes[1].targets[0].model=m-1",
				// one key twice, a key with both forms, a digest that is not one
				"--switchboard.auth.keys[1].key=sk-same-0123456789", "--switchboard.auth.keys[2].key=sk-same-0123456789",
				"--switchboard.auth.keys[3].key=sk-both-0123456789",
				"--switchboard.auth.keys[3].key-sha256=" + "ab".repeat(32),
				"--switchboard.auth.keys[4].key-sha256=not-a-digest"));

		InvalidConfigurationException invalid = invalidConfiguration(failure);
		List<String> expected = List.of(
				"environment variable OPENAI_KEY_X is not set (needed by switchboard.providers.up.api-key)",
				"environment variable TEAM_A_KEY is not set (needed by switchboard.auth.keys[0].key)",
				"switchboard.providers.up.base-url: 'ftp://x' is not an absolute http(s) URL",
				"switchboard.providers.spaced.base-url: 'not a url' is not a valid URL",
				"switchboard.providers.weird.type: unknown type 'banana' (one of "
						+ "openai, azure-openai, anthropic, gemini, mock, groq, together, fireworks, deepseek, mistral, xai, "
						+ "openrouter, cerebras, perplexity, deepinfra, sambanova, moonshot, dashscope, nvidia, github, ollama, "
						+ "vllm, lmstudio)",
				"switchboard.routes[0].targets[0].provider: unknown provider 'nowhere'",
				"switchboard.routes[1].model: duplicate route alias 'demo'",
				"switchboard.auth.keys[2]: the same key is configured twice",
				"switchboard.auth.keys[3]: set exactly one of key and key-sha256",
				"switchboard.auth.keys[4].key-sha256: must be 64 hex digits");
		assertThat(invalid.problems()).as("one problem per mistake, nothing else").hasSize(expected.size());
		for (String problem : expected) {
			assertThat(invalid.problems()).as("reports: %s", problem).filteredOn((p) -> p.startsWith(problem)).hasSize(1);
		}
		assertThat(invalid.getMessage()).as("both missing variables are named in the one message")
			.contains("TEAM_A_KEY", "OPENAI_KEY_X")
			.startsWith("Invalid switchboard configuration (10 problems):");
		invalid.problems().forEach((problem) -> assertThat(invalid.getMessage()).contains("\n  - " + problem));
		assertThat(invalid.getMessage()).as("the key values themselves stay out of the message")
			.doesNotContain("sk-same-0123456789", "sk-both-0123456789");

		String report = output.getAll().substring(output.getAll().indexOf("APPLICATION FAILED TO START"));
		assertThat(report).as("the failure analyzer prints the list, then what to do")
			.contains("Description:", "Action:", "Fix the switchboard.* settings listed above");
		invalid.problems().forEach((problem) -> assertThat(report).contains("  - " + problem));
		assertThat(output.getAll()).as("no stack trace is printed over the list")
			.doesNotContain("\tat dev.switchboard.", "\tat org.springframework.")
			.doesNotContain("Application run failed");
	}

	@Test
	void aValidConfigurationStartsAndPlaceholdersWithDefaultsResolve() {
		assertThat(System.getenv("SB_TEST_UNSET_GATEWAY_KEY")).as("precondition: the variable is not set").isNull();

		try (ConfigurableApplicationContext context = run(new SpringApplicationBuilder(SwitchboardApplication.class,
				PrivateReactorResources.class)
			// lowest precedence: a placeholder that a higher source overrides is never used
			.properties(Map.of("switchboard.providers.extra.api-key", "${SB_TEST_UNSET_OVERRIDDEN}"))
			.initializers((ctx) -> ctx.getEnvironment()
				.getPropertySources()
				.addAfter("commandLineArgs", new SystemEnvironmentPropertySource("test-systemEnvironment",
						Map.of("SWITCHBOARD_PROVIDERS_EXTRA_APIKEY", "sk-extra-from-environment")))),
				"--switchboard.well-known-providers=true", "--OPENAI_API_KEY=sk-openai-NOT-A-REAL-KEY",
					"--switchboard.auth.keys[0].name=ops",
					"--switchboard.auth.keys[0].key=${SB_TEST_UNSET_GATEWAY_KEY:sk-from-default-0123456789}",
					"--switchboard.providers.up.type=openai",
					"--switchboard.providers.up.base-url=${SB_TEST_UNSET_URL:http://127.0.0.1:9/v1/}",
					"--switchboard.providers.extra.type=openai", "--switchboard.providers.extra.base-url=http://127.0.0.1:9/v1",
					// configured under the well-known id: wins over OPENAI_API_KEY
					"--switchboard.providers.openai.type=mock", "--switchboard.providers.openai.models[0]=mock-1",
					"--switchboard.routes[0].model=demo", "--switchboard.routes[0].targets[0].provider=openai",
					"--switchboard.routes[0].targets[0].model=mock-1")) {
			RouteTable routes = context.getBean(RuntimeConfigHolder.class).current().routes();

			assertThat(routes.providers()).containsKeys("up", "extra", "openai")
				.as("the built-in demo is gone once providers are configured")
				.doesNotContainKey("mock");
			assertThat(routes.providers().get("openai").type())
				.as("a provider configured under the id 'openai' is not replaced by OPENAI_API_KEY")
				.isEqualTo(ProviderType.MOCK);
			assertThat(context.getBean(RuntimeConfigHolder.class).current().keys().find("sk-from-default-0123456789"))
				.as("the placeholder's default became the key")
				.isNotNull();
			client(context).post()
				.uri("/v1/chat/completions")
				.header("Authorization", "Bearer sk-from-default-0123456789")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("x-switchboard-provider", "openai");
		}
	}

	/**
	 * With no keys configured: one application for every test of the group, since they all read the same start-up.
	 */
	@Test
	void withNothingConfiguredTheBuiltInDemoServesAndAConfiguredRouteReplacesIt() {
		try (ConfigurableApplicationContext context = start("--switchboard.auth.keys[0].key=sk-demo-0123456789")) {
			client(context).post()
				.uri("/v1/chat/completions")
				.header("Authorization", "Bearer sk-demo-0123456789")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("x-switchboard-provider", "mock");
		}
		try (ConfigurableApplicationContext context = start("--switchboard.auth.keys[0].key=sk-demo-0123456789",
				"--switchboard.routes[0].model=mine", "--switchboard.providers.up.type=openai",
				"--switchboard.providers.up.base-url=http://127.0.0.1:9/v1", "--switchboard.providers.up.models[0]=m-1",
				"--switchboard.routes[0].targets[0].provider=up", "--switchboard.routes[0].targets[0].model=m-1")) {
			String models = new String(client(context).get()
				.uri("/v1/models")
				.header("Authorization", "Bearer sk-demo-0123456789")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.returnResult()
				.getResponseBody());
			assertThat(models).contains("\"mine\"", "\"up/m-1\"").doesNotContain("mock", "demo");
			client(context).post()
				.uri("/v1/chat/completions")
				.header("Authorization", "Bearer sk-demo-0123456789")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"model\":\"mock/mock-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
				.exchange()
				.expectStatus()
				.isNotFound();
		}
	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class WithoutConfiguredKeys {

		private static final String OPENAI_KEY = "sk-openai-NOT-A-REAL-KEY-0123456789";

		private ConfigurableApplicationContext context;

		private String startupLog;

		@BeforeAll
		void startWithoutKeys(CapturedOutput output) {
			int before = output.getAll().length();
			this.context = start("--switchboard.well-known-providers=true", "--OPENAI_API_KEY=" + OPENAI_KEY);
			this.startupLog = output.getAll().substring(before);
		}

		@AfterAll
		void stop() {
			if (this.context != null) {
				this.context.close();
			}
		}

		@Test
		void aGeneratedKeyIsLoggedOnce() {
			List<String> lines = this.startupLog.lines().filter((line) -> line.contains("generated")).toList();

			assertThat(lines).as("one warning carries the generated key").hasSize(1);
			assertThat(lines.get(0)).containsPattern(GENERATED_KEY).contains("WARN");
		}

		@Test
		void theGeneratedKeyWorksAndAnyOtherKeyIsRejected() {
			String key = generatedKey();
			WebTestClient client = client(this.context);

			client.get()
				.uri("/v1/models")
				.header("Authorization", "Bearer " + key)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.object")
				.isEqualTo("list");
			client.post()
				.uri("/v1/chat/completions")
				.header("Authorization", "Bearer sb-" + "x".repeat(43))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectBody()
				.jsonPath("$.error.code")
				.isEqualTo("invalid_api_key");
		}

		@Test
		void openAiApiKeyAddsTheOpenAiProvider() {
			RouteTable routes = this.context.getBean(RuntimeConfigHolder.class).current().routes();

			Provider openai = routes.providers().get("openai");
			assertThat(openai).as("OPENAI_API_KEY is all it takes").isNotNull();
			assertThat(openai.type()).isEqualTo(ProviderType.OPENAI);
			RoutePlan plan = routes.resolve("openai/gpt-4o-mini");
			assertThat(plan).as("openai/<model> goes straight to that provider").isNotNull();
			assertThat(plan.route()).isEqualTo("openai/*");
			assertThat(plan.targets()).singleElement().satisfies((target) -> {
				assertThat(target.provider()).isSameAs(openai);
				assertThat(target.model()).isEqualTo("gpt-4o-mini");
			});
			assertThat(routes.providers()).as("a detected provider replaces the built-in demo").doesNotContainKey("mock");
			assertThat(routes.aliases()).doesNotContainKey("demo");
		}

		@Test
		void theProviderKeyIsNeverLogged() {
			assertThat(this.startupLog).doesNotContain(OPENAI_KEY);
		}

		private String generatedKey() {
			Matcher matcher = GENERATED_KEY.matcher(this.startupLog);
			assertThat(matcher.find()).as("the start-up log names the generated key").isTrue();
			return matcher.group();
		}

	}

	private static ConfigurableApplicationContext start(String... args) {
		return run(new SpringApplicationBuilder(SwitchboardApplication.class, PrivateReactorResources.class), args);
	}

	/**
	 * Runs an extra application without letting it re-initialise logging: Spring Boot's logging system is one per
	 * JVM, and re-initialising it would reset the log levels the cached test context set for the other tests.
	 */
	private static ConfigurableApplicationContext run(SpringApplicationBuilder builder, String... args) {
		String previous = System.getProperty(LoggingSystem.SYSTEM_PROPERTY);
		System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
		try {
			return builder.run(args(args));
		}
		finally {
			if (previous != null) {
				System.setProperty(LoggingSystem.SYSTEM_PROPERTY, previous);
			}
			else {
				System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
			}
		}
	}

	/** {@code args} plus a random port and no profile, so that the defaults of application.yaml apply. */
	private static String[] args(String... args) {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.profiles.active=default"));
		if (List.of(args).stream().noneMatch((arg) -> arg.startsWith("--switchboard.well-known-providers="))) {
			// the machine's own OPENAI_API_KEY and the like must not change what these tests see
			all.add("--switchboard.well-known-providers=false");
		}
		all.addAll(List.of(args));
		return all.toArray(String[]::new);
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	private static InvalidConfigurationException invalidConfiguration(Throwable failure) {
		assertThat(failure).as("start-up fails").isNotNull();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidConfigurationException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("start-up failed, but not with InvalidConfigurationException", failure);
	}

}
