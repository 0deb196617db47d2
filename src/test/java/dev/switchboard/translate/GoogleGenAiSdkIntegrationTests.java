package dev.switchboard.translate;

import java.util.List;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.Schema;
import com.google.genai.types.Tool;
import com.google.genai.types.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.testsupport.AgentUpstreams;
import dev.switchboard.testsupport.GatewayIntegrationTest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Google's Gen AI Java SDK as a real client of the gateway's Gemini endpoints: it must parse what the gateway sends,
 * whole answers, streams, function calls, token counts and errors, from the mock and from providers of other
 * formats. The SDK blocks, so every call runs on the JUnit thread.
 */
class GoogleGenAiSdkIntegrationTests extends GatewayIntegrationTest {

	private Client google;

	@BeforeEach
	void sdk() {
		this.google = Client.builder()
			.apiKey(TEAM_A_KEY)
			.httpOptions(HttpOptions.builder().baseUrl(baseUrl()).build())
			.build();
	}

	@AfterEach
	void closeSdk() {
		this.google.close();
	}

	@Test
	void theSdkGetsTheMocksAnswerWholeAndStreamedAlike() {
		GenerateContentResponse whole = this.google.models.generateContent("agents-mock", "Hello there", null);
		assertThat(whole.text()).isNotBlank();

		StringBuilder streamed = new StringBuilder();
		try (ResponseStream<GenerateContentResponse> stream = this.google.models.generateContentStream("agents-mock",
				"Hello there", null)) {
			for (GenerateContentResponse chunk : stream) {
				streamed.append((chunk.text() != null) ? chunk.text() : "");
			}
		}
		assertThat(streamed.toString()).isEqualTo(whole.text());
	}

	@Test
	void theSdkGetsAFunctionCallFromAnAnthropicProvider() {
		CLAUDE.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4\","
					+ "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_7\",\"name\":\"get_weather\","
					+ "\"input\":{\"city\":\"Paris\"}}],\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
					+ "\"usage\":{\"input_tokens\":20,\"output_tokens\":9}}")));
		Tool weather = Tool.builder()
			.functionDeclarations(FunctionDeclaration.builder()
				.name("get_weather")
				.description("The weather in a city")
				.parameters(Schema.builder()
					.type(Type.Known.OBJECT)
					.properties(java.util.Map.of("city", Schema.builder().type(Type.Known.STRING).build()))
					.build())
				.build())
			.build();

		GenerateContentResponse response = this.google.models.generateContent("claude-only", "Weather in Paris?",
				GenerateContentConfig.builder().tools(weather).maxOutputTokens(200).systemInstruction(
						com.google.genai.types.Content.fromParts(com.google.genai.types.Part.fromText("Be brief.")))
					.build());

		List<FunctionCall> calls = response.functionCalls();
		assertThat(calls).hasSize(1);
		assertThat(calls.get(0).name()).hasValue("get_weather");
		assertThat(calls.get(0).id()).hasValue("toolu_7");
		assertThat(calls.get(0).args().orElseThrow()).containsEntry("city", "Paris");
		assertThat(response.usageMetadata().orElseThrow().totalTokenCount()).hasValue(29);
		CLAUDE.verify(postRequestedFor(urlEqualTo("/v1/messages"))
			.withRequestBody(matchingJsonPath("$.system", equalTo("Be brief.")))
			.withRequestBody(matchingJsonPath("$.max_tokens", equalTo("200")))
			.withRequestBody(matchingJsonPath("$.tools[0].input_schema.properties.city.type", equalTo("string"))));
	}

	@Test
	void theSdkStreamsFromAnOpenAiProviderAndCountsTokens() {
		AgentUpstreams.answer(AgentUpstreams.Type.OPENAI, "Bonjour tout le monde");

		StringBuilder streamed = new StringBuilder();
		try (ResponseStream<GenerateContentResponse> stream = this.google.models.generateContentStream("agents-openai",
				"Say hello in French", null)) {
			for (GenerateContentResponse chunk : stream) {
				streamed.append((chunk.text() != null) ? chunk.text() : "");
			}
		}
		assertThat(streamed.toString()).isEqualTo("Bonjour tout le monde");
		assertThat(this.google.models.countTokens("agents-openai", "abcdefgh", null).totalTokens())
			.as("an estimate: a token per four characters of 'user' and 'abcdefgh'").hasValue(3);
	}

	@Test
	void theSdkSeesTheGatewaysErrorsAsGoogleErrors() {
		ClientException notFound = catchThrowableOfType(ClientException.class,
				() -> this.google.models.generateContent("no-such-model", "Hi", null));

		assertThat(notFound.code()).isEqualTo(404);
		assertThat(notFound.status()).isEqualTo("NOT_FOUND");
		assertThat(notFound.getMessage()).contains("model_not_found");
	}

}
