package dev.switchboard.provider.gemini;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.provider.http.UpstreamHttpClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The URLs {@link GeminiAdapter} calls and what it says it serves; the requests themselves are exercised against
 * WireMock by the integration tests.
 */
class GeminiAdapterTests {

	private final UpstreamHttpClient client = new UpstreamHttpClient(Duration.ofSeconds(1), 1);

	@AfterEach
	void dispose() {
		this.client.dispose();
	}

	@Test
	void callsGenerateContentOrItsSseStreamUnderV1beta() {
		GeminiAdapter adapter = new GeminiAdapter(this.client, "https://generativelanguage.googleapis.com", "k", Map.of());

		assertThat(adapter.url("gemini-2.5-flash", false)).hasToString(
				"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
		assertThat(adapter.url("gemini-2.5-flash", true)).hasToString(
				"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
	}

	@Test
	void acceptsABaseUrlEndingInV1betaAndAModelNamedModelsSlashX() {
		GeminiAdapter adapter = new GeminiAdapter(this.client, "http://localhost:8089/v1beta", null, Map.of());

		assertThat(adapter.url("models/gemini-2.5-pro", false))
			.hasToString("http://localhost:8089/v1beta/models/gemini-2.5-pro:generateContent");
	}

	@Test
	void percentEncodesAModelNameThatIsNotOnePathSegment() {
		GeminiAdapter adapter = new GeminiAdapter(this.client, "http://localhost:8089", null, Map.of());

		assertThat(adapter.url("a/b c?", false)).as("no path traversal, no query injection")
			.hasToString("http://localhost:8089/v1beta/models/a%2Fb%20c%3F:generateContent");
	}

	@Test
	void servesOnlyGenerateContentInItsOwnFormat() {
		GeminiAdapter adapter = new GeminiAdapter(this.client, "http://localhost:8089", null, Map.of());

		assertThat(adapter.unsupportedReason(Endpoint.GENERATE_CONTENT, WireFormat.GEMINI)).isNull();
		assertThat(adapter.unsupportedReason(Endpoint.CHAT_COMPLETIONS, WireFormat.OPENAI))
			.contains("/v1/chat/completions");
	}

}
