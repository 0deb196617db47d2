package dev.switchboard.provider;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The {@code type} of a configured provider: which wire format it speaks and where it lives by default.
 * <p>
 * These are the kinds of adapter the gateway has. The OpenAI-compatible services that need nothing but a base URL and
 * a key ({@code groq}, {@code ollama}, ...) are not listed here: they are entries of
 * {@link dev.switchboard.provider.openai.OpenAiCompatibleProvider}, served as {@link #OPENAI}.
 */
public enum ProviderType {

	/** OpenAI or any OpenAI-compatible API; the base URL ends in {@code /v1}. */
	OPENAI("openai", WireFormat.OPENAI, "https://api.openai.com/v1"),

	/**
	 * Azure OpenAI: OpenAI's wire format at deployment URLs, with the key in an {@code api-key} header. The base URL is
	 * the resource endpoint ({@code https://<resource>.openai.azure.com}) and has no default.
	 */
	AZURE_OPENAI("azure-openai", WireFormat.OPENAI, null),

	/** Anthropic's Messages API; the base URL is the host. */
	ANTHROPIC("anthropic", WireFormat.ANTHROPIC, "https://api.anthropic.com"),

	/** Google AI Studio's Gemini API; the base URL is the host. */
	GEMINI("gemini", WireFormat.GEMINI, "https://generativelanguage.googleapis.com"),

	/** Built-in provider that answers locally, with no network and no key: for demos and tests. */
	MOCK("mock", WireFormat.OPENAI, null);

	private final String id;

	private final WireFormat wireFormat;

	private final @Nullable String defaultBaseUrl;

	ProviderType(String id, WireFormat wireFormat, @Nullable String defaultBaseUrl) {
		this.id = id;
		this.wireFormat = wireFormat;
		this.defaultBaseUrl = defaultBaseUrl;
	}

	/** The name used in configuration. */
	public String id() {
		return this.id;
	}

	public WireFormat wireFormat() {
		return this.wireFormat;
	}

	/**
	 * The base URL used when none is configured, or {@code null} when the type needs none (mock) or has none to offer
	 * (azure-openai, whose URL names the customer's own resource).
	 */
	public @Nullable String defaultBaseUrl() {
		return this.defaultBaseUrl;
	}

	/** The type named {@code id} in configuration, or {@code null}. */
	public static @Nullable ProviderType of(@Nullable String id) {
		if (id == null) {
			return null;
		}
		String wanted = id.trim().toLowerCase(Locale.ROOT);
		for (ProviderType type : values()) {
			if (type.id.equals(wanted)) {
				return type;
			}
		}
		return null;
	}

}
