package dev.switchboard.provider.openai;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.ProviderAdapter;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.WireFormat;

/**
 * The built-in catalog of well-known OpenAI-compatible services: with {@code type: groq} a provider needs only its
 * key, because the catalog knows the base URL, whether a key is needed at all, the variable the service's own SDK and
 * docs read the key from, and which of the optional endpoints the service documents.
 * <p>
 * Every entry is served by {@link OpenAiAdapter}, exactly like {@code type: openai} with the same base URL; the
 * catalog only adds defaults and checks. Chat completions are always supported. An endpoint the service does not
 * document ({@code /v1/embeddings} on Groq, say) is skipped with a reason before any upstream request, so a route
 * falls back to a target that can serve it instead of collecting a 404. Where a service supports more than the catalog
 * says, configure it as {@code type: openai} with its {@code base-url}, which checks nothing.
 * <p>
 * Each entry records the page its base URL and endpoints were checked against; docs/providers.md lists them.
 */
public enum OpenAiCompatibleProvider {

	/** Groq. */
	GROQ("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", true, EnumSet.of(Endpoint.RESPONSES),
			"https://console.groq.com/docs/openai"),

	/** Together AI. */
	TOGETHER("together", "https://api.together.ai/v1", "TOGETHER_API_KEY", true, EnumSet.of(Endpoint.EMBEDDINGS),
			"https://docs.together.ai/docs/inference/openai-compatibility"),

	/** Fireworks AI. */
	FIREWORKS("fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", true,
			EnumSet.of(Endpoint.RESPONSES), "https://docs.fireworks.ai/guides/response-api"),

	/** DeepSeek; its docs give the base URL without {@code /v1} (which it also accepts). */
	DEEPSEEK("deepseek", "https://api.deepseek.com", "DEEPSEEK_API_KEY", true, EnumSet.noneOf(Endpoint.class),
			"https://api-docs.deepseek.com/"),

	/** Mistral AI. */
	MISTRAL("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", true, EnumSet.of(Endpoint.EMBEDDINGS),
			"https://docs.mistral.ai/getting-started/quickstart/"),

	/** xAI (Grok). */
	XAI("xai", "https://api.x.ai/v1", "XAI_API_KEY", true, EnumSet.of(Endpoint.RESPONSES),
			"https://docs.x.ai/api/integrations"),

	/** OpenRouter; its Responses API is in beta. */
	OPENROUTER("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", true,
			EnumSet.of(Endpoint.EMBEDDINGS, Endpoint.RESPONSES), "https://openrouter.ai/docs/quickstart"),

	/** Cerebras Inference. */
	CEREBRAS("cerebras", "https://api.cerebras.ai/v1", "CEREBRAS_API_KEY", true, EnumSet.noneOf(Endpoint.class),
			"https://inference-docs.cerebras.ai/resources/openai"),

	/** Perplexity's Sonar API; chat completions live at the host's root. */
	PERPLEXITY("perplexity", "https://api.perplexity.ai", "PERPLEXITY_API_KEY", true, EnumSet.noneOf(Endpoint.class),
			"https://docs.perplexity.ai/docs/sonar/openai-compatibility"),

	/** DeepInfra's OpenAI-compatible API. */
	DEEPINFRA("deepinfra", "https://api.deepinfra.com/v1/openai", "DEEPINFRA_API_KEY", true,
			EnumSet.of(Endpoint.EMBEDDINGS), "https://deepinfra.com/docs/advanced/openai_api"),

	/** SambaNova Cloud. */
	SAMBANOVA("sambanova", "https://api.sambanova.ai/v1", "SAMBANOVA_API_KEY", true, EnumSet.of(Endpoint.EMBEDDINGS),
			"https://docs.sambanova.ai/docs/en/features/openai-compatibility"),

	/** Moonshot AI (Kimi), international endpoint. */
	MOONSHOT("moonshot", "https://api.moonshot.ai/v1", "MOONSHOT_API_KEY", true, EnumSet.of(Endpoint.RESPONSES),
			"https://platform.kimi.ai/docs/api/overview"),

	/** Alibaba Cloud Model Studio (DashScope) in OpenAI-compatible mode, international (Singapore) endpoint. */
	DASHSCOPE("dashscope", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY", true,
			EnumSet.noneOf(Endpoint.class),
			"https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope"),

	/** NVIDIA's hosted NIM API catalog. */
	NVIDIA("nvidia", "https://integrate.api.nvidia.com/v1", "NVIDIA_API_KEY", true, EnumSet.noneOf(Endpoint.class),
			"https://build.nvidia.com/"),

	/**
	 * GitHub Models. Its key is a GitHub token; {@code GITHUB_TOKEN} is set in every GitHub Actions job, so it does
	 * not add the provider by itself.
	 */
	GITHUB("github", "https://models.github.ai/inference", null, true, EnumSet.noneOf(Endpoint.class),
			"https://docs.github.com/en/github-models/quickstart"),

	/** Ollama on this machine; no key. */
	OLLAMA("ollama", "http://localhost:11434/v1", null, false, EnumSet.of(Endpoint.EMBEDDINGS, Endpoint.RESPONSES),
			"https://docs.ollama.com/api/openai-compatibility"),

	/** A vLLM server on this machine; a key only when it was started with {@code --api-key}. */
	VLLM("vllm", "http://localhost:8000/v1", null, false, EnumSet.of(Endpoint.EMBEDDINGS, Endpoint.RESPONSES),
			"https://docs.vllm.ai/en/stable/serving/online_serving.html"),

	/** LM Studio's local server; no key unless authentication is turned on. */
	LMSTUDIO("lmstudio", "http://localhost:1234/v1", null, false, EnumSet.of(Endpoint.EMBEDDINGS, Endpoint.RESPONSES),
			"https://lmstudio.ai/docs/api/openai-api");

	/** The endpoints an entry may lack; chat completions every entry has. */
	private static final Set<Endpoint> OPTIONAL = EnumSet.of(Endpoint.EMBEDDINGS, Endpoint.RESPONSES);

	private final String id;

	private final String baseUrl;

	private final @Nullable String keyVariable;

	private final boolean keyRequired;

	private final Set<Endpoint> endpoints;

	private final String verifiedAt;

	OpenAiCompatibleProvider(String id, String baseUrl, @Nullable String keyVariable, boolean keyRequired,
			Set<Endpoint> optionalEndpoints, String verifiedAt) {
		this.id = id;
		this.baseUrl = baseUrl;
		this.keyVariable = keyVariable;
		this.keyRequired = keyRequired;
		this.endpoints = EnumSet.of(Endpoint.CHAT_COMPLETIONS);
		this.endpoints.addAll(optionalEndpoints);
		this.verifiedAt = verifiedAt;
	}

	/** The name used as {@code type} in configuration, and as the provider id when added from the environment. */
	public String id() {
		return this.id;
	}

	/** The base URL the service's docs give to OpenAI SDKs; the gateway appends {@code /chat/completions} and so on. */
	public String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * The environment variable that adds this provider when set (see {@code switchboard.well-known-providers}), or
	 * {@code null} when none does: local servers, and services whose key variable is too generic.
	 */
	public @Nullable String keyVariable() {
		return this.keyVariable;
	}

	/** Whether the service rejects requests without a key, so that a provider without one is a configuration error. */
	public boolean keyRequired() {
		return this.keyRequired;
	}

	/** The gateway endpoints the service documents: chat completions always, embeddings and responses where listed. */
	public Set<Endpoint> endpoints() {
		return EnumSet.copyOf(this.endpoints);
	}

	/** The documentation page the base URL and endpoints were checked against. */
	public String verifiedAt() {
		return this.verifiedAt;
	}

	/**
	 * Why this service cannot serve {@code endpoint}, or {@code null} when it can. Only the optional OpenAI endpoints
	 * are judged here; anything else is the adapter's to decide.
	 */
	public @Nullable String unsupportedReason(Endpoint endpoint) {
		if (!OPTIONAL.contains(endpoint) || this.endpoints.contains(endpoint)) {
			return null;
		}
		return "a " + this.id + " provider has no POST " + endpoint.path() + " (not in its documentation, "
				+ this.verifiedAt + "); configure it as type openai to send such requests anyway";
	}

	/** {@code adapter}, made to skip the endpoints this service does not document instead of calling them. */
	public ProviderAdapter restrict(ProviderAdapter adapter) {
		return new Restricted(this, adapter);
	}

	/** The entry named {@code id} in configuration (case-insensitive), or {@code null}. */
	public static @Nullable OpenAiCompatibleProvider of(@Nullable String id) {
		if (id == null) {
			return null;
		}
		String wanted = id.trim().toLowerCase(Locale.ROOT);
		for (OpenAiCompatibleProvider entry : values()) {
			if (entry.id.equals(wanted)) {
				return entry;
			}
		}
		return null;
	}

	/** Every entry's id, in catalog order. */
	public static List<String> ids() {
		List<String> ids = new ArrayList<>();
		for (OpenAiCompatibleProvider entry : values()) {
			ids.add(entry.id);
		}
		return ids;
	}

	/**
	 * An adapter that answers {@link #unsupportedReason} for the endpoints its entry lacks and otherwise delegates.
	 * The dispatcher asks before every attempt, so {@link #exchange} is not reached for those endpoints; should it be,
	 * it fails the same way without a request.
	 */
	private static final class Restricted implements ProviderAdapter {

		private final OpenAiCompatibleProvider entry;

		private final ProviderAdapter delegate;

		Restricted(OpenAiCompatibleProvider entry, ProviderAdapter delegate) {
			this.entry = entry;
			this.delegate = delegate;
		}

		@Override
		public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
			String reason = this.entry.unsupportedReason(endpoint);
			return (reason != null) ? reason : this.delegate.unsupportedReason(endpoint, inbound);
		}

		@Override
		public Mono<UpstreamResponse> exchange(UpstreamCall call) {
			String reason = this.entry.unsupportedReason(call.endpoint());
			if (reason != null) {
				call.body().release();
				return Mono.error(new IllegalStateException(reason));
			}
			return this.delegate.exchange(call);
		}

	}

}
