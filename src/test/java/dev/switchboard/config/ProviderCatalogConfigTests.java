package dev.switchboard.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderType;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.provider.http.UpstreamHttpClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Provider types beyond plain {@code openai}, compiled from an environment built in the test: catalog entries
 * ({@code type: groq}, {@code type: ollama}), {@code azure-openai}, their checks, and the environment variables that
 * add them. What each compiled adapter would send is caught by a client that records instead of connecting.
 */
class ProviderCatalogConfigTests {

	private static final String GENERATED = "sb-generated-for-this-test";

	private final RecordingClient httpClient = new RecordingClient();

	private final RuntimeConfigCompiler compiler = new RuntimeConfigCompiler(CircuitBreakerRegistry.ofDefaults(),
			this.httpClient);

	private final MockEnvironment environment = new MockEnvironment();

	@AfterEach
	void dispose() {
		this.httpClient.dispose();
	}

	@Test
	void aCatalogTypeNeedsOnlyAnApiKey() {
		set("switchboard.providers.fast.type", "Groq");
		set("switchboard.providers.fast.api-key", "gsk-test");

		Provider groq = compile().routes().providers().get("fast");
		send(groq, Endpoint.CHAT_COMPLETIONS);

		assertThat(groq.type()).as("served as an OpenAI-type provider").isEqualTo(ProviderType.OPENAI);
		assertThat(this.httpClient.urls).as("the catalog's base URL").containsExactly(
				URI.create("https://api.groq.com/openai/v1/chat/completions"));
		assertThat(this.httpClient.headers.get(0).get("Authorization")).isEqualTo("Bearer gsk-test");
	}

	@Test
	void aConfiguredBaseUrlWinsOverTheCatalogs() {
		set("switchboard.providers.groq.type", "groq");
		set("switchboard.providers.groq.api-key", "gsk-test");
		set("switchboard.providers.groq.base-url", "https://groq-proxy.internal/openai/v1/");

		send(compile().routes().providers().get("groq"), Endpoint.RESPONSES);

		assertThat(this.httpClient.urls).containsExactly(URI.create("https://groq-proxy.internal/openai/v1/responses"));
	}

	@Test
	void aCatalogTypeSkipsTheEndpointsItsServiceDoesNotDocumentWithoutARequest() {
		set("switchboard.providers.groq.type", "groq");
		set("switchboard.providers.groq.api-key", "gsk-test");
		set("switchboard.providers.ds.type", "deepseek");
		set("switchboard.providers.ds.api-key", "sk-ds");

		Map<String, Provider> providers = compile().routes().providers();
		Provider groq = providers.get("groq");

		assertThat(groq.adapter().unsupportedReason(Endpoint.EMBEDDINGS, WireFormat.OPENAI))
			.as("Groq documents no embeddings")
			.contains("groq", "POST /v1/embeddings", "https://console.groq.com/docs/openai", "type openai");
		assertThat(groq.adapter().unsupportedReason(Endpoint.RESPONSES, WireFormat.OPENAI)).isNull();
		assertThat(groq.adapter().unsupportedReason(Endpoint.CHAT_COMPLETIONS, WireFormat.OPENAI)).isNull();
		assertThat(providers.get("ds").adapter().unsupportedReason(Endpoint.RESPONSES, WireFormat.OPENAI))
			.as("DeepSeek has no Responses API: its clients are served through Chat Completions").isNull();
		ByteBuf body = Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8);
		StepVerifier.create(groq.adapter().exchange(call(Endpoint.EMBEDDINGS, body)))
			.expectErrorMessage(groq.adapter().unsupportedReason(Endpoint.EMBEDDINGS, WireFormat.OPENAI))
			.verify(Duration.ofSeconds(5));
		assertThat(this.httpClient.urls).as("nothing was sent").isEmpty();
		assertThat(body.refCnt()).as("the body was released all the same").isZero();
	}

	@Test
	void localCatalogTypesNeedNoKeyAndSendNone() {
		set("switchboard.providers.ollama.type", "ollama");
		set("switchboard.providers.vllm.type", "vllm");
		set("switchboard.providers.lmstudio.type", "lmstudio");
		set("switchboard.providers.guarded-vllm.type", "vllm");
		set("switchboard.providers.guarded-vllm.api-key", "token-abc123");

		Map<String, Provider> providers = compile().routes().providers();
		send(providers.get("ollama"), Endpoint.CHAT_COMPLETIONS);
		send(providers.get("vllm"), Endpoint.EMBEDDINGS);
		send(providers.get("lmstudio"), Endpoint.RESPONSES);
		send(providers.get("guarded-vllm"), Endpoint.CHAT_COMPLETIONS);

		assertThat(this.httpClient.urls).containsExactly(URI.create("http://localhost:11434/v1/chat/completions"),
				URI.create("http://localhost:8000/v1/embeddings"), URI.create("http://localhost:1234/v1/responses"),
				URI.create("http://localhost:8000/v1/chat/completions"));
		assertThat(this.httpClient.headers.subList(0, 3)).as("no key configured, no Authorization sent")
			.allSatisfy((headers) -> assertThat(headers.contains("Authorization")).isFalse());
		assertThat(this.httpClient.headers.get(3).get("Authorization")).as("a vLLM started with --api-key")
			.isEqualTo("Bearer token-abc123");
	}

	@Test
	void aCatalogTypeThatNeedsAKeyIsRejectedWithoutOne() {
		set("switchboard.providers.groq.type", "groq");
		set("switchboard.providers.gh.type", "github");
		set("switchboard.providers.proxied.type", "together");
		set("switchboard.providers.proxied.headers.authorization", "Bearer from-a-header");

		assertThat(problems()).containsExactlyInAnyOrder(
				"switchboard.providers.groq.api-key: a groq provider needs an API key (its SDKs read GROQ_API_KEY)",
				"switchboard.providers.gh.api-key: a github provider needs an API key");
	}

	@Test
	void anUnknownTypeIsListedWithEveryBuiltInAndCatalogType() {
		set("switchboard.providers.weird.type", "groqq");

		assertThat(problems()).containsExactly("switchboard.providers.weird.type: unknown type 'groqq' (one of "
				+ "openai, azure-openai, anthropic, gemini, mock, groq, together, fireworks, deepseek, mistral, xai, "
				+ "openrouter, cerebras, perplexity, deepinfra, sambanova, moonshot, dashscope, nvidia, github, ollama, "
				+ "vllm, lmstudio)");
	}

	@Test
	void azureGoesToTheDeploymentWithTheGaApiVersionAndTheKeyInApiKey() {
		set("switchboard.providers.azure.type", "azure-openai");
		set("switchboard.providers.azure.base-url", "https://contoso.openai.azure.com/");
		set("switchboard.providers.azure.api-key", "azure-key");

		Provider azure = compile().routes().providers().get("azure");
		send(azure, Endpoint.CHAT_COMPLETIONS);

		assertThat(azure.type()).isEqualTo(ProviderType.AZURE_OPENAI);
		assertThat(this.httpClient.urls).containsExactly(URI.create(
				"https://contoso.openai.azure.com/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21"));
		assertThat(this.httpClient.headers.get(0).get("api-key")).isEqualTo("azure-key");
		assertThat(this.httpClient.headers.get(0).contains("Authorization")).isFalse();
	}

	@Test
	void reportsAzureMistakes() {
		set("switchboard.providers.no-url.type", "azure-openai");
		set("switchboard.providers.no-url.api-key", "k");
		set("switchboard.providers.full-url.type", "azure-openai");
		set("switchboard.providers.full-url.base-url", "https://contoso.openai.azure.com/openai/deployments/gpt");
		set("switchboard.providers.full-url.api-key", "k");
		set("switchboard.providers.no-key.type", "azure-openai");
		set("switchboard.providers.no-key.base-url", "https://contoso.openai.azure.com");
		set("switchboard.providers.bad-version.type", "azure-openai");
		set("switchboard.providers.bad-version.base-url", "https://contoso.openai.azure.com");
		set("switchboard.providers.bad-version.api-key", "k");
		set("switchboard.providers.bad-version.api-version", "2024-10-21&x=1");
		set("switchboard.providers.not-azure.type", "openai");
		set("switchboard.providers.not-azure.api-version", "2024-10-21");

		assertThat(problems()).containsExactlyInAnyOrder(
				"switchboard.providers.no-url.base-url: an azure-openai provider needs its resource endpoint, "
						+ "https://<resource>.openai.azure.com",
				"switchboard.providers.full-url.base-url: 'https://contoso.openai.azure.com/openai/deployments/gpt' "
						+ "should be the resource endpoint only, https://<resource>.openai.azure.com: "
						+ "the gateway adds /openai/deployments/...",
				"switchboard.providers.no-key.api-key: an azure-openai provider needs an api-key, "
						+ "or a Microsoft Entra token as headers.Authorization: Bearer <token>",
				"switchboard.providers.bad-version.api-version: '2024-10-21&x=1' is not an api-version "
						+ "(2024-10-21, 2025-04-01-preview or v1)",
				"switchboard.providers.not-azure.api-version: only azure-openai providers take an api-version");
	}

	@Test
	void wellKnownVariablesAddCatalogProvidersAndAzure() {
		set("GROQ_API_KEY", "gsk-env");
		set("MISTRAL_API_KEY", " ");
		set("TOGETHER_API_KEY", "tg-env");
		set("switchboard.providers.together.type", "mock");
		set("GITHUB_TOKEN", "ghp-env");
		set("AZURE_OPENAI_API_KEY", "azure-env");
		set("AZURE_OPENAI_ENDPOINT", "https://contoso.openai.azure.com/");
		set("OPENAI_API_VERSION", "2025-04-01-preview");

		Map<String, Provider> providers = compile().routes().providers();
		send(providers.get("groq"), Endpoint.CHAT_COMPLETIONS);
		send(providers.get("azure-openai"), Endpoint.EMBEDDINGS);

		assertThat(providers).as("a blank variable adds nothing, GITHUB_TOKEN is not a GitHub Models key by itself")
			.containsOnlyKeys("groq", "together", "azure-openai");
		assertThat(providers.get("together").type()).as("the configured provider wins").isEqualTo(ProviderType.MOCK);
		assertThat(this.httpClient.urls).containsExactly(URI.create("https://api.groq.com/openai/v1/chat/completions"),
				URI.create("https://contoso.openai.azure.com/openai/deployments/my-deployment/embeddings"
						+ "?api-version=2025-04-01-preview"));
		assertThat(this.httpClient.headers.get(0).get("Authorization")).isEqualTo("Bearer gsk-env");
		assertThat(this.httpClient.headers.get(1).get("api-key")).isEqualTo("azure-env");
	}

	@Test
	void anAzureKeyWithoutItsEndpointAddsNothing() {
		set("AZURE_OPENAI_API_KEY", "azure-env");

		assertThat(compile().routes().providers()).doesNotContainKey("azure-openai");
	}

	/** Sends one empty call for model {@code my-deployment} through the provider's adapter. */
	private void send(Provider provider, Endpoint endpoint) {
		StepVerifier.create(provider.adapter().exchange(call(endpoint, Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8))))
			.verifyComplete();
	}

	private static UpstreamCall call(Endpoint endpoint, ByteBuf body) {
		return new UpstreamCall(endpoint, "my-deployment", body, new DefaultHttpHeaders(), false);
	}

	private void set(String name, String value) {
		this.environment.setProperty(name, value);
	}

	private RuntimeConfig compile() {
		return this.compiler.compile(Binder.get(this.environment)
			.bind(SwitchboardProperties.PREFIX, SwitchboardProperties.class)
			.orElseGet(SwitchboardProperties::new), this.environment, GENERATED);
	}

	private List<String> problems() {
		InvalidConfigurationException invalid = catchThrowableOfType(InvalidConfigurationException.class, this::compile);
		assertThat(invalid).as("the configuration is rejected").isNotNull();
		return invalid.problems();
	}

	/** Records what would be POSTed, releases the body, and answers nothing. */
	private static final class RecordingClient extends UpstreamHttpClient {

		final List<URI> urls = new ArrayList<>();

		final List<HttpHeaders> headers = new ArrayList<>();

		RecordingClient() {
			super(Duration.ofSeconds(1), 1);
		}

		@Override
		public UpstreamHttpClient withConnectTimeout(Duration connectTimeout) {
			return this;
		}

		@Override
		public Mono<UpstreamResponse> post(URI uri, HttpHeaders headers, ByteBuf body) {
			body.release();
			this.urls.add(uri);
			this.headers.add(headers);
			return Mono.empty();
		}

	}

}
