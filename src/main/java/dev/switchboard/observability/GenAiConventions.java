package dev.switchboard.observability;

import dev.switchboard.provider.ProviderType;

/**
 * Names from OpenTelemetry's semantic conventions for generative AI, used by the {@code gen_ai.*} meters and the
 * spans' attributes.
 */
public final class GenAiConventions {

	public static final String OPERATION_NAME = "gen_ai.operation.name";

	public static final String PROVIDER_NAME = "gen_ai.provider.name";

	/** The name older conventions (and many dashboards) use for {@link #PROVIDER_NAME}. */
	public static final String SYSTEM = "gen_ai.system";

	public static final String REQUEST_MODEL = "gen_ai.request.model";

	public static final String RESPONSE_MODEL = "gen_ai.response.model";

	public static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";

	public static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";

	public static final String TOKEN_TYPE = "gen_ai.token.type";

	public static final String ERROR_TYPE = "error.type";

	private GenAiConventions() {
	}

	/** The operation a gateway path performs: {@code embeddings} for {@code /v1/embeddings}, else {@code chat}. */
	public static String operation(String path) {
		return path.endsWith("/embeddings") ? "embeddings" : "chat";
	}

	/** The {@code gen_ai.provider.name} of a provider type. */
	public static String providerName(ProviderType type) {
		return switch (type) {
			case AZURE_OPENAI -> "azure.ai.openai";
			case GEMINI -> "gcp.gemini";
			case MOCK -> "switchboard.mock";
			default -> type.id();
		};
	}

}
