package dev.switchboard.config;

import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import dev.switchboard.auth.GatewayKey;
import dev.switchboard.auth.Role;
import dev.switchboard.auth.KeyRegistry;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderType;
import dev.switchboard.provider.http.UpstreamHttpClient;
import dev.switchboard.routing.RoutePlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link RuntimeConfigCompiler} on properties bound the way Spring Boot binds them, from an environment built in the
 * test: each rule on its own, where the start-up test checks them all together.
 */
class RuntimeConfigCompilerTests {

	private static final String GENERATED = "sb-generated-for-this-test";

	private final UpstreamHttpClient httpClient = new UpstreamHttpClient(Duration.ofSeconds(1), 1);

	private final RuntimeConfigCompiler compiler = new RuntimeConfigCompiler(CircuitBreakerRegistry.ofDefaults(),
			this.httpClient);

	private final MockEnvironment environment = new MockEnvironment();

	@AfterEach
	void dispose() {
		this.httpClient.dispose();
	}

	@Test
	void compilesProvidersRoutesAndKeys() {
		set("switchboard.auth.keys[0].name", "ops");
		set("switchboard.auth.keys[0].key", "sk-ops-0123456789");
		set("switchboard.auth.keys[1].key-sha256", HexFormat.of().withUpperCase().formatHex(KeyRegistry.sha256("sk-hashed")));
		set("switchboard.providers.up.type", "OpenAI");
		set("switchboard.providers.up.base-url", "http://127.0.0.1:9/v1/");
		set("switchboard.providers.up.models[0]", "gpt-4o-mini");
		set("switchboard.providers.local.type", "mock");
		set("switchboard.routes[0].model", "fast");
		set("switchboard.routes[0].targets[0].provider", "up");
		set("switchboard.routes[0].targets[0].model", "gpt-4o-mini");
		set("switchboard.routes[0].targets[1].provider", "local");
		set("switchboard.routes[0].targets[1].model", "mock-1");
		set("switchboard.limits.max-request-bytes", "1KB");

		RuntimeConfig config = compile();

		assertThat(config.routes().providers().get("up").type()).as("type names are case-insensitive")
			.isEqualTo(ProviderType.OPENAI);
		assertThat(config.routes().providers().get("local").type()).isEqualTo(ProviderType.MOCK);
		RoutePlan fast = config.routes().resolve("fast");
		assertThat(fast.targets()).extracting((t) -> t.provider().id() + ":" + t.model())
			.as("targets keep their order")
			.containsExactly("up:gpt-4o-mini", "local:mock-1");
		assertThat(config.keys().size()).isEqualTo(2);
		assertThat(config.keys().find("sk-ops-0123456789").name()).isEqualTo("ops");
		assertThat(config.keys().find("sk-hashed").name()).as("upper-case hex digests work, named by position")
			.isEqualTo("key-1");
		assertThat(config.keys().find(GENERATED)).as("the generated key is only for a configuration without keys")
			.isNull();
		assertThat(config.maxRequestBytes()).isEqualTo(1024);
	}

	@Test
	void withNoKeysOnlyTheGeneratedKeyIsAccepted() {
		RuntimeConfig config = compile();

		assertThat(config.keys().size()).isEqualTo(1);
		assertThat(config.keys().find(GENERATED).name()).isEqualTo("generated");
		assertThat(config.keys().find(GENERATED).models().allows("anything")).isTrue();
	}

	@Test
	void anOpenAiProviderWithoutBaseUrlUsesTheDefaultAndAMockNeedsNone() {
		set("switchboard.providers.openai.type", "openai");
		set("switchboard.providers.mock.type", "mock");

		assertThat(compile().routes().providers()).containsOnlyKeys("openai", "mock");
	}

	@Test
	void reportsProviderMistakes() {
		set("switchboard.providers.no-type.models[0]", "m");
		set("switchboard.providers.query.type", "openai");
		set("switchboard.providers.query.base-url", "https://example.invalid/v1?x=1");
		set("switchboard.providers.relative.type", "openai");
		set("switchboard.providers.relative.base-url", "/v1");
		set("switchboard.providers.slow.type", "mock");
		set("switchboard.providers.slow.timeout", "0s");
		set("switchboard.providers.headers.type", "mock");
		set("switchboard.providers.headers.headers[bad header]", "x");
		set("switchboard.providers.blank-model.type", "mock");
		set("switchboard.providers.blank-model.models[0]", " ");

		assertThat(problems()).containsExactlyInAnyOrder(
				"switchboard.providers.no-type.type: is required (one of "
						+ "openai, azure-openai, anthropic, gemini, mock, groq, together, fireworks, deepseek, mistral, xai, "
						+ "openrouter, cerebras, perplexity, deepinfra, sambanova, moonshot, dashscope, nvidia, github, ollama, "
						+ "vllm, lmstudio)",
				"switchboard.providers.query.base-url: 'https://example.invalid/v1?x=1' must not have a query or fragment",
				"switchboard.providers.relative.base-url: '/v1' is not an absolute http(s) URL",
				"switchboard.providers.slow.timeout must be positive",
				"switchboard.providers.headers.headers: 'bad header' is not a valid header name",
				"switchboard.providers.blank-model.models: model names must not be blank");
	}

	@Test
	void reportsAProviderIdWithASlash() {
		Map<String, Object> source = new LinkedHashMap<>();
		source.put("switchboard.providers[a/b].type", "mock");
		this.environment.getPropertySources().addFirst(new MapPropertySource("slash", source));

		assertThat(problems()).singleElement()
			.asString()
			.as("'/' separates provider and model in 'provider/model'")
			.startsWith("switchboard.providers.a/b: a provider id is");
	}

	@Test
	void reportsRouteMistakes() {
		set("switchboard.providers.mock.type", "mock");
		set("switchboard.routes[0].targets[0].provider", "mock");
		set("switchboard.routes[0].targets[0].model", "mock-1");
		set("switchboard.routes[1].model", "empty");
		set("switchboard.routes[2].model", "odd");
		set("switchboard.routes[2].strategy", "random");
		set("switchboard.routes[2].targets[0].model", "m");
		set("switchboard.routes[2].targets[1].provider", "mock");

		assertThat(problems()).containsExactlyInAnyOrder(
				"switchboard.routes[0].model: a route needs the alias clients send as 'model'",
				"switchboard.routes[1].targets: a route needs at least one target",
				"switchboard.routes[2].strategy: unknown strategy 'random' (one of fallback, round-robin, weighted, least-latency, least-busy)",
				"switchboard.routes[2].targets[0].provider is required",
				"switchboard.routes[2].targets[1].model is required");
	}

	@Test
	void aTargetOnABrokenProviderIsReportedOnlyThroughTheProvider() {
		set("switchboard.providers.up.type", "openai");
		set("switchboard.providers.up.base-url", "ftp://x");
		set("switchboard.routes[0].model", "fast");
		set("switchboard.routes[0].targets[0].provider", "up");
		set("switchboard.routes[0].targets[0].model", "m");

		assertThat(problems()).as("the provider exists, it is just wrong: no 'unknown provider' on top")
			.containsExactly("switchboard.providers.up.base-url: 'ftp://x' is not an absolute http(s) URL");
	}

	@Test
	void reportsKeyMistakes() {
		set("switchboard.auth.keys[0].name", "twin");
		set("switchboard.auth.keys[0].key", "sk-one");
		set("switchboard.auth.keys[1].name", "twin");
		set("switchboard.auth.keys[1].key", "sk-two");
		set("switchboard.auth.keys[2].name", "nothing");
		set("switchboard.auth.keys[3].key-sha256", "ab".repeat(31));
		set("switchboard.auth.keys[4].key-sha256", HexFormat.of().formatHex(KeyRegistry.sha256("sk-one")));

		assertThat(problems()).containsExactlyInAnyOrder("switchboard.auth.keys[1].name: duplicate key name 'twin'",
				"switchboard.auth.keys[2]: set exactly one of key and key-sha256",
				"switchboard.auth.keys[3].key-sha256: must be 64 hex digits (the SHA-256 of the key)",
				"switchboard.auth.keys[4]: the same key is configured twice");
	}

	@Test
	void reportsANonPositiveRequestLimit() {
		set("switchboard.limits.max-request-bytes", "0B");

		assertThat(problems()).containsExactly("switchboard.limits.max-request-bytes must be positive");
	}

	@Test
	void aMissingVariableIsReportedOnceWithEveryPropertyThatNeedsIt() {
		set("switchboard.providers.up.type", "openai");
		set("switchboard.providers.up.base-url", "${SB_TEST_UNSET_HOST}/v1");
		set("switchboard.providers.up.api-key", "${SB_TEST_UNSET_KEY}");
		set("switchboard.providers.down.type", "openai");
		set("switchboard.providers.down.api-key", "${SB_TEST_UNSET_KEY}");
		set("switchboard.auth.keys[0].key", "${SB_TEST_UNSET_KEY}");

		assertThat(problems()).as("no 'bad URL' or key problem on top of the missing variable")
			.containsExactly(
					"environment variable SB_TEST_UNSET_HOST is not set (needed by switchboard.providers.up.base-url)",
					"environment variable SB_TEST_UNSET_KEY is not set (needed by switchboard.auth.keys[0].key, "
							+ "switchboard.providers.down.api-key, switchboard.providers.up.api-key)");
	}

	@Test
	void placeholdersThatResolveOrHaveADefaultAreFine() {
		set("SB_TEST_SET_KEY", "sk-from-variable");
		set("switchboard.auth.keys[0].key", "${SB_TEST_SET_KEY}");
		set("switchboard.auth.keys[1].key", "${SB_TEST_UNSET_KEY:sk-from-default}");

		RuntimeConfig config = compile();

		assertThat(config.keys().find("sk-from-variable")).isNotNull();
		assertThat(config.keys().find("sk-from-default")).isNotNull();
	}

	@Test
	void aPlaceholderOverriddenByAnEnvironmentVariableIsNotReported() {
		set("switchboard.providers.up.type", "openai");
		set("switchboard.providers.up.api-key", "${SB_TEST_UNSET_KEY}");
		this.environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
					Map.of("SWITCHBOARD_PROVIDERS_UP_APIKEY", "sk-provider")));

		assertThat(compile().routes().providers()).containsKey("up");
	}

	@Test
	void aListOverriddenByAHigherSourceIgnoresPlaceholdersInTheLowerOne() {
		set("switchboard.auth.keys[0].key", "${SB_TEST_UNSET_KEY}");
		set("switchboard.auth.keys[1].key", "${SB_TEST_UNSET_OTHER}");
		Map<String, Object> higher = Map.of("switchboard.auth.keys[0].key", "sk-higher");
		this.environment.getPropertySources().addFirst(new MapPropertySource("higher", higher));

		RuntimeConfig config = compile();

		assertThat(config.keys().size()).as("the list is bound whole from the higher source").isEqualTo(1);
		assertThat(config.keys().find("sk-higher")).isNotNull();
	}

	@Test
	void wellKnownVariablesAddProvidersThatAreNotConfigured() {
		set("OPENAI_API_KEY", "sk-openai");
		set("ANTHROPIC_API_KEY", " ");
		set("GEMINI_API_KEY", "g-key");
		set("switchboard.providers.gemini.type", "mock");

		Map<String, Provider> providers = compile().routes().providers();

		assertThat(providers.get("openai").type()).isEqualTo(ProviderType.OPENAI);
		assertThat(providers).as("a blank variable adds nothing").doesNotContainKey("anthropic");
		assertThat(providers.get("gemini").type()).as("the configured provider wins").isEqualTo(ProviderType.MOCK);
	}

	@Test
	void wellKnownVariablesAreIgnoredWhenTurnedOff() {
		set("OPENAI_API_KEY", "sk-openai");
		set("switchboard.well-known-providers", "false");

		assertThat(compile().routes().providers()).doesNotContainKey("openai");
	}

	@Test
	void reportsBadHedgeAndCircuitBreakerSettings() {
		set("switchboard.providers.up.type", "mock");
		set("switchboard.providers.up.circuit-breaker.failure-rate-threshold", "150");
		set("switchboard.providers.up.circuit-breaker.minimum-calls", "0");
		set("switchboard.providers.up.circuit-breaker.wait-in-open", "0s");
		set("switchboard.routes[0].model", "fast");
		set("switchboard.routes[0].hedge-after", "soon");
		set("switchboard.routes[0].targets[0].provider", "up");
		set("switchboard.routes[0].targets[0].model", "m");

		assertThat(problems()).containsExactlyInAnyOrder(
				"switchboard.providers.up.circuit-breaker.failure-rate-threshold must be above 0 and at most 100 (a percentage)",
				"switchboard.providers.up.circuit-breaker.minimum-calls must be at least 1",
				"switchboard.providers.up.circuit-breaker.wait-in-open must be positive",
				"switchboard.routes[0].hedge-after: 'soon' is neither a duration (800ms, 2s) nor a percentile (p95)");
	}

	@Test
	void aProvidersCircuitBreakerInheritsWhatItDoesNotSet() {
		set("switchboard.providers.up.type", "mock");
		set("switchboard.providers.up.circuit-breaker.slow-call-threshold", "5s");
		set("switchboard.providers.up.circuit-breaker.slow-call-rate-threshold", "80");

		var breaker = compile().routes().providers().get("up").circuitBreaker().getCircuitBreakerConfig();

		assertThat(breaker.getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(5));
		assertThat(breaker.getSlowCallRateThreshold()).isEqualTo(80f);
		assertThat(breaker.getFailureRateThreshold()).as("resilience4j's default").isEqualTo(50f);
	}

	@Test
	void aRecompiledTargetKeepsItsStatsAndAChangedOneStartsAfresh() {
		set("switchboard.providers.local.type", "mock");
		set("switchboard.routes[0].model", "fast");
		set("switchboard.routes[0].strategy", "round-robin");
		set("switchboard.routes[0].targets[0].provider", "local");
		set("switchboard.routes[0].targets[0].model", "kept");
		set("switchboard.routes[0].targets[1].provider", "local");
		set("switchboard.routes[0].targets[1].model", "dropped");
		RuntimeConfig before = compile();
		before.routes().resolve("fast").targets().get(0).stats().finished(5_000_000);
		before.routes().resolve("fast").counter().set(7);
		set("switchboard.routes[0].targets[1].model", "added");

		RuntimeConfig after = this.compiler.compile(bind(), this.environment, GENERATED, before);

		RoutePlan fast = after.routes().resolve("fast");
		assertThat(fast.targets().get(0).stats()).as("same route, provider and model: what was measured carries over")
			.isSameAs(before.routes().resolve("fast").targets().get(0).stats());
		assertThat(fast.targets().get(1).stats()).as("a new target is measured afresh")
			.isNotSameAs(before.routes().resolve("fast").targets().get(1).stats());
		assertThat(fast.counter().get()).as("round-robin goes on where it was").isEqualTo(7);
		assertThat(after.routes().providers().get("local").circuitBreaker())
			.as("one breaker per provider id, so its state carries over")
			.isSameAs(before.routes().providers().get("local").circuitBreaker());
	}

	@Test
	void aReloadKeepsABreakerWhoseSettingsAreUnchangedAndReplacesOneWhoseSettingsChanged() {
		set("switchboard.providers.up.type", "mock");
		set("switchboard.providers.up.circuit-breaker.minimum-calls", "5");
		RuntimeConfig first = compile();
		RuntimeConfig same = this.compiler.compile(bind(), this.environment, GENERATED, first);
		set("switchboard.providers.up.circuit-breaker.minimum-calls", "7");

		RuntimeConfig changed = this.compiler.compile(bind(), this.environment, GENERATED, same);

		assertThat(same.routes().providers().get("up").circuitBreaker())
			.isSameAs(first.routes().providers().get("up").circuitBreaker());
		assertThat(changed.routes().providers().get("up").circuitBreaker().getCircuitBreakerConfig().getMinimumNumberOfCalls())
			.isEqualTo(7);
	}

	@Test
	void adminKeysAndTheSnapshotSwitches() {
		set("switchboard.auth.keys[0].name", "ops");
		set("switchboard.auth.keys[0].key", "sk-ops-0123456789");
		set("switchboard.auth.keys[0].admin", "true");
		set("switchboard.auth.keys[1].name", "user");
		set("switchboard.auth.keys[1].key", "sk-user-0123456789");
		set("switchboard.protect-actuator", "true");
		set("switchboard.access-log", "false");

		RuntimeConfig config = compile();

		assertThat(config.keys().find("sk-ops-0123456789").admin()).isTrue();
		assertThat(config.keys().find("sk-user-0123456789").admin()).as("not an admin unless said so").isFalse();
		assertThat(config.protectActuator()).isTrue();
		assertThat(config.accessLog()).isFalse();
	}

	@Test
	void configuredKeysTakeARoleAndTheScopesOfApiKeys() {
		set("switchboard.auth.keys[0].name", "reader");
		set("switchboard.auth.keys[0].key", "sk-reader-0123456789");
		set("switchboard.auth.keys[0].role", "read-only");
		set("switchboard.auth.keys[0].ip-allow[0]", "10.0.0.0/8");
		set("switchboard.auth.keys[0].ip-allow[1]", "2001:db8::/32");
		set("switchboard.auth.keys[0].providers[0]", "up");
		set("switchboard.auth.keys[0].expires-at", "2030-01-01T00:00:00Z");
		set("switchboard.auth.keys[0].byo", "true");
		set("switchboard.trusted-proxies[0]", "192.168.0.0/16");

		RuntimeConfig config = compile();

		GatewayKey reader = config.keys().find("sk-reader-0123456789");
		assertThat(reader.role()).isEqualTo(Role.READ_ONLY);
		assertThat(reader.admin()).isFalse();
		assertThat(reader.ipAllow().cidrs()).containsExactly("10.0.0.0/8", "2001:db8::/32");
		assertThat(reader.allowsProvider("up")).isTrue();
		assertThat(reader.allowsProvider("other")).isFalse();
		assertThat(reader.expiresAt()).isEqualTo(java.time.Instant.parse("2030-01-01T00:00:00Z"));
		assertThat(reader.byo()).isTrue();
		assertThat(config.clientAddresses().trustedProxies()).containsExactly("192.168.0.0/16");
		assertThat(config.keys().record("reader").last4()).isEqualTo("6789");
		assertThat(config.keys().record("reader").source()).isEqualTo("config");
	}

	@Test
	void listsEveryProblemOfConfiguredKeyScopes() {
		set("switchboard.auth.keys[0].name", "a");
		set("switchboard.auth.keys[0].key", "sk-a-0123456789");
		set("switchboard.auth.keys[0].role", "root");
		set("switchboard.auth.keys[1].name", "b");
		set("switchboard.auth.keys[1].key", "sk-b-0123456789");
		set("switchboard.auth.keys[1].ip-allow[0]", "example.com");
		set("switchboard.auth.keys[2].name", "c");
		set("switchboard.auth.keys[2].key", "sk-c-0123456789");
		set("switchboard.auth.keys[2].expires-at", "friday");
		set("switchboard.auth.keys[3].name", "d");
		set("switchboard.auth.keys[3].key", "sk-d-0123456789");
		set("switchboard.auth.keys[3].admin", "true");
		set("switchboard.auth.keys[3].role", "user");
		set("switchboard.trusted-proxies[0]", "10.0.0.0/99");

		assertThatThrownBy(this::compile).isInstanceOf(InvalidConfigurationException.class)
			.hasMessageContaining("switchboard.auth.keys[0].role: unknown role 'root'")
			.hasMessageContaining("switchboard.auth.keys[1].ip-allow[0]:")
			.hasMessageContaining("switchboard.auth.keys[2].expires-at:")
			.hasMessageContaining("switchboard.auth.keys[3].role: contradicts admin: true")
			.hasMessageContaining("switchboard.trusted-proxies:");
	}

	@Test
	void theGeneratedKeyIsAnAdminKey() {
		RuntimeConfig config = compile();

		assertThat(config.keys().find(GENERATED).admin()).as("whoever read it from the log runs this gateway").isTrue();
		assertThat(config.accessLog()).as("the access log is on by default").isTrue();
	}

	private void set(String name, String value) {
		this.environment.setProperty(name, value);
	}

	private RuntimeConfig compile() {
		return this.compiler.compile(bind(), this.environment, GENERATED);
	}

	private SwitchboardProperties bind() {
		return Binder.get(this.environment)
			.bind(SwitchboardProperties.PREFIX, SwitchboardProperties.class)
			.orElseGet(SwitchboardProperties::new);
	}

	private List<String> problems() {
		InvalidConfigurationException invalid = catchThrowableOfType(InvalidConfigurationException.class, this::compile);
		assertThat(invalid).as("the configuration is rejected").isNotNull();
		return invalid.problems();
	}

}
