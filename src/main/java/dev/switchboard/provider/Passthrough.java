package dev.switchboard.provider;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * How {@code /proxy/{provider}/**} reaches one provider untranslated: its base URL, to which the rest of the path
 * and the query are appended as they came, and the headers that carry its credential the way its type sends it
 * (with the provider's configured extra headers).
 *
 * @param baseUrl the configured (or default) base URL, without a trailing slash
 * @param headers the provider's credential and extra headers, set on every passthrough request
 */
public record Passthrough(String baseUrl, Map<String, String> headers) {

	/** The headers a caller may have sent its own key in; none of them goes upstream. */
	public static final String[] CALLER_KEY_HEADERS = { "Authorization", "x-api-key", "api-key", "x-goog-api-key" };

	public Passthrough {
		headers = Map.copyOf(headers);
	}

	/**
	 * The passthrough of a provider of {@code type}, or {@code null} for one with no HTTP upstream (the mock).
	 * @param apiKey the provider key, or {@code null} when its headers carry the credential (or it needs none)
	 */
	public static @Nullable Passthrough of(ProviderType type, @Nullable String baseUrl, @Nullable String apiKey,
			Map<String, String> extraHeaders) {
		if (type == ProviderType.MOCK || baseUrl == null) {
			return null;
		}
		Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
		if (apiKey != null && !apiKey.isBlank()) {
			headers.put(credentialHeader(type), credentialValue(type, apiKey));
		}
		String base = baseUrl;
		while (base.endsWith("/")) {
			base = base.substring(0, base.length() - 1);
		}
		return new Passthrough(base, headers);
	}

	/** The header a provider of {@code type} takes its API key in. */
	public static String credentialHeader(ProviderType type) {
		return switch (type) {
			case ANTHROPIC -> "x-api-key";
			case AZURE_OPENAI -> "api-key";
			case GEMINI -> "x-goog-api-key";
			default -> "Authorization";
		};
	}

	/** The value of {@link #credentialHeader} for {@code apiKey}: a bearer token where the header is Authorization. */
	public static String credentialValue(ProviderType type, String apiKey) {
		return credentialHeader(type).equals("Authorization") ? "Bearer " + apiKey : apiKey;
	}

	/** Never the credential: this ends up in logs and actuator output. */
	@Override
	public String toString() {
		return "Passthrough[" + this.baseUrl + ", headers=" + this.headers.keySet() + "]";
	}

}
