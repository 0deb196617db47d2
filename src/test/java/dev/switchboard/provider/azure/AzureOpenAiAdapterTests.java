package dev.switchboard.provider.azure;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.provider.http.UpstreamHttpClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The URLs {@link AzureOpenAiAdapter} builds, and how a deployment name becomes one path segment.
 */
class AzureOpenAiAdapterTests {

	private final UpstreamHttpClient client = new UpstreamHttpClient(Duration.ofSeconds(1), 1);

	@AfterEach
	void dispose() {
		this.client.dispose();
	}

	@Test
	void datedApiVersionUsesDeploymentUrlsAndTheV1ApiForResponses() {
		AzureOpenAiAdapter adapter = adapter("2024-10-21");

		assertThat(adapter.url(Endpoint.CHAT_COMPLETIONS, "gpt-4o.prod_1")).isEqualTo(URI.create(
				"https://contoso.openai.azure.com/openai/deployments/gpt-4o.prod_1/chat/completions?api-version=2024-10-21"));
		assertThat(adapter.url(Endpoint.EMBEDDINGS, "embed")).isEqualTo(URI.create(
				"https://contoso.openai.azure.com/openai/deployments/embed/embeddings?api-version=2024-10-21"));
		assertThat(adapter.url(Endpoint.RESPONSES, "gpt-4o")).as("the Responses API exists only on the v1 API")
			.isEqualTo(URI.create("https://contoso.openai.azure.com/openai/v1/responses"));
	}

	@Test
	void apiVersionV1UsesTheV1ApiForEveryEndpoint() {
		AzureOpenAiAdapter adapter = adapter("V1");

		assertThat(adapter.url(Endpoint.CHAT_COMPLETIONS, "gpt-4o"))
			.isEqualTo(URI.create("https://contoso.openai.azure.com/openai/v1/chat/completions"));
		assertThat(adapter.url(Endpoint.EMBEDDINGS, "embed"))
			.isEqualTo(URI.create("https://contoso.openai.azure.com/openai/v1/embeddings"));
	}

	@Test
	void aDeploymentNameIsOnePercentEncodedPathSegment() {
		assertThat(AzureOpenAiAdapter.pathSegment("gpt-4o.prod_1")).isEqualTo("gpt-4o.prod_1");
		assertThat(AzureOpenAiAdapter.pathSegment("a/b?c#d e")).isEqualTo("a%2Fb%3Fc%23d%20e");
		assertThat(AzureOpenAiAdapter.pathSegment("..")).as("a dot segment would climb out of /deployments/")
			.isEqualTo("%2E%2E");
		assertThat(AzureOpenAiAdapter.pathSegment("..x")).isEqualTo("..x");
		assertThat(AzureOpenAiAdapter.pathSegment("modèle")).isEqualTo("mod%C3%A8le");
	}

	@Test
	void servesOnlyOpenAiClients() {
		AzureOpenAiAdapter adapter = adapter("2024-10-21");

		assertThat(adapter.unsupportedReason(Endpoint.CHAT_COMPLETIONS, WireFormat.OPENAI)).isNull();
		assertThat(adapter.unsupportedReason(Endpoint.RESPONSES, WireFormat.OPENAI)).isNull();
		assertThat(adapter.unsupportedReason(Endpoint.CHAT_COMPLETIONS, WireFormat.ANTHROPIC))
			.contains("translation from the anthropic format");
	}

	private AzureOpenAiAdapter adapter(String apiVersion) {
		return new AzureOpenAiAdapter(this.client, "https://contoso.openai.azure.com", apiVersion, "key", Map.of());
	}

}
