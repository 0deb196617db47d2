package dev.switchboard.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.env.Environment;

/**
 * Providers enabled by the API key variables their own SDKs read, so that {@code OPENAI_API_KEY=... ./mvnw ...} is
 * all it takes to reach {@code openai/<model>}. A provider configured under the same id wins.
 */
final class WellKnownProviders {

	/** Variable, provider id (also its type). */
	private static final Map<String, String> VARIABLES = Map.of("OPENAI_API_KEY", "openai", "ANTHROPIC_API_KEY",
			"anthropic", "GEMINI_API_KEY", "gemini");

	private WellKnownProviders() {
	}

	/** The providers to add: those whose variable is set and whose id is not configured. */
	static Map<String, SwitchboardProperties.Provider> detect(Environment environment,
			Map<String, SwitchboardProperties.Provider> configured) {
		Map<String, SwitchboardProperties.Provider> added = new LinkedHashMap<>();
		VARIABLES.forEach((variable, id) -> {
			String key = environment.getProperty(variable);
			if (key != null && !key.isBlank() && !configured.containsKey(id)) {
				SwitchboardProperties.Provider provider = new SwitchboardProperties.Provider();
				provider.setType(id);
				provider.setApiKey(key);
				added.put(id, provider);
			}
		});
		return added;
	}

}
