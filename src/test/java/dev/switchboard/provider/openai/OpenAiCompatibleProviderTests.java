package dev.switchboard.provider.openai;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.ProviderType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog's data: well-formed entries that do not shadow a built-in type, and docs/providers.md saying the same as
 * the code, row by row.
 */
class OpenAiCompatibleProviderTests {

	@Test
	void everyEntryIsWellFormed() {
		Set<String> ids = new HashSet<>();
		for (OpenAiCompatibleProvider entry : OpenAiCompatibleProvider.values()) {
			assertThat(ids.add(entry.id())).as("%s is listed once", entry.id()).isTrue();
			assertThat(entry.id()).as("lower-case, like every type").matches("[a-z][a-z0-9-]*");
			assertThat(ProviderType.of(entry.id())).as("%s must not shadow a built-in type", entry.id()).isNull();
			URI url = URI.create(entry.baseUrl());
			assertThat(entry.baseUrl()).as("%s: no trailing slash, no query", entry.id()).doesNotEndWith("/").doesNotContain("?");
			if (entry.keyRequired()) {
				assertThat(url.getScheme()).as("%s: a service with a key is reached over TLS", entry.id()).isEqualTo("https");
			}
			else {
				assertThat(url.getHost()).as("%s: only local servers go without a key", entry.id()).isEqualTo("localhost");
				assertThat(entry.keyVariable()).isNull();
			}
			if (entry.keyVariable() != null) {
				assertThat(entry.keyVariable()).matches("[A-Z][A-Z0-9_]*_API_KEY");
			}
			assertThat(entry.verifiedAt()).startsWith("https://");
			assertThat(entry.endpoints()).contains(Endpoint.CHAT_COMPLETIONS);
		}
	}

	@Test
	void typeNamesAreCaseInsensitive() {
		assertThat(OpenAiCompatibleProvider.of(" LMStudio ")).isEqualTo(OpenAiCompatibleProvider.LMSTUDIO);
		assertThat(OpenAiCompatibleProvider.of("openai")).as("a built-in type, not an entry").isNull();
		assertThat(OpenAiCompatibleProvider.of(null)).isNull();
	}

	@Test
	void onlyTheOptionalEndpointsAreJudged() {
		OpenAiCompatibleProvider cerebras = OpenAiCompatibleProvider.CEREBRAS;

		assertThat(cerebras.unsupportedReason(Endpoint.CHAT_COMPLETIONS)).isNull();
		assertThat(cerebras.unsupportedReason(Endpoint.EMBEDDINGS)).isEqualTo("a cerebras provider has no POST "
				+ "/v1/embeddings (not in its documentation, https://inference-docs.cerebras.ai/resources/openai); "
				+ "configure it as type openai to send such requests anyway");
		assertThat(OpenAiCompatibleProvider.OLLAMA.unsupportedReason(Endpoint.RESPONSES)).isNull();
	}

	@Test
	void theProvidersPageListsEveryEntryAsTheCatalogHasIt() throws IOException {
		List<String> rows = Files.readAllLines(Path.of("docs/providers.md"))
			.stream()
			.filter((line) -> line.startsWith("| `"))
			.toList();

		for (OpenAiCompatibleProvider entry : OpenAiCompatibleProvider.values()) {
			String expected = "| `" + entry.id() + "` | `" + entry.baseUrl() + "` | "
					+ (entry.keyRequired() ? "required" : "none") + " | "
					+ ((entry.keyVariable() != null) ? "`" + entry.keyVariable() + "`" : "none") + " | "
					+ endpoints(entry) + " | " + entry.verifiedAt() + " |";
			assertThat(rows).as("docs/providers.md has the row of %s", entry.id()).contains(expected);
		}
	}

	private static String endpoints(OpenAiCompatibleProvider entry) {
		StringBuilder names = new StringBuilder("chat");
		if (entry.endpoints().contains(Endpoint.EMBEDDINGS)) {
			names.append(", embeddings");
		}
		if (entry.endpoints().contains(Endpoint.RESPONSES)) {
			names.append(", responses");
		}
		return names.toString();
	}

}
