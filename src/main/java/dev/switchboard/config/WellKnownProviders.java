package dev.switchboard.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;

import dev.switchboard.provider.openai.OpenAiCompatibleProvider;

/**
 * Providers enabled by the API key variables their own SDKs read, so that {@code OPENAI_API_KEY=... ./mvnw ...} is
 * all it takes to reach {@code openai/<model>}. A provider configured under the same id wins.
 * <p>
 * The variables: {@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}, {@code GEMINI_API_KEY}, the key variable of each
 * {@link OpenAiCompatibleProvider} that has one ({@code GROQ_API_KEY} adds {@code groq}, ...), and Azure OpenAI's
 * {@code AZURE_OPENAI_API_KEY} together with {@code AZURE_OPENAI_ENDPOINT} (and {@code OPENAI_API_VERSION} when set),
 * the three the OpenAI SDKs' Azure clients read, which add {@code azure-openai}.
 */
final class WellKnownProviders {

	/** Variable, provider id (also its type), for the providers with a type of their own. */
	private static final Map<String, String> VARIABLES = new LinkedHashMap<>();

	static {
		VARIABLES.put("OPENAI_API_KEY", "openai");
		VARIABLES.put("ANTHROPIC_API_KEY", "anthropic");
		VARIABLES.put("GEMINI_API_KEY", "gemini");
		for (OpenAiCompatibleProvider entry : OpenAiCompatibleProvider.values()) {
			if (entry.keyVariable() != null) {
				VARIABLES.put(entry.keyVariable(), entry.id());
			}
		}
	}

	private static final String AZURE = "azure-openai";

	private WellKnownProviders() {
	}

	/** The providers to add: those whose variable is set and whose id is not configured. */
	static Map<String, SwitchboardProperties.Provider> detect(Environment environment,
			Map<String, SwitchboardProperties.Provider> configured) {
		Map<String, SwitchboardProperties.Provider> added = new LinkedHashMap<>();
		VARIABLES.forEach((variable, id) -> {
			String key = value(environment, variable);
			if (key != null && !configured.containsKey(id)) {
				added.put(id, provider(id, key));
			}
		});
		String azureKey = value(environment, "AZURE_OPENAI_API_KEY");
		String azureEndpoint = value(environment, "AZURE_OPENAI_ENDPOINT");
		if (azureKey != null && azureEndpoint != null && !configured.containsKey(AZURE)) {
			SwitchboardProperties.Provider azure = provider(AZURE, azureKey);
			azure.setBaseUrl(azureEndpoint);
			azure.setApiVersion(value(environment, "OPENAI_API_VERSION"));
			added.put(AZURE, azure);
		}
		return added;
	}

	private static SwitchboardProperties.Provider provider(String type, String key) {
		SwitchboardProperties.Provider provider = new SwitchboardProperties.Provider();
		provider.setType(type);
		provider.setApiKey(key);
		return provider;
	}

	/** The variable's value, or {@code null} when it is unset or blank. */
	private static @Nullable String value(Environment environment, String variable) {
		String value = environment.getProperty(variable);
		return (value != null && !value.isBlank()) ? value.trim() : null;
	}

}
