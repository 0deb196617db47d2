package dev.switchboard.testsupport;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * One route per provider type for the coding-agent tests ({@code agents-*} and the existing single-target aliases
 * of {@code application-it.yaml}), and WireMock answers for each in its own format: a stream in two pieces (and a
 * whole JSON answer for a request that does not stream) carrying a given text, on every endpoint a translated or a
 * passed-through agent request reaches.
 */
public final class AgentUpstreams {

	/** The provider types, by the alias of a route with one target of that type. */
	public enum Type {

		MOCK("agents-mock"), OPENAI("agents-openai"), AZURE("agents-azure"), ANTHROPIC("claude-only"),
		GEMINI("gemini-only");

		private final String alias;

		Type(String alias) {
			this.alias = alias;
		}

		public String alias() {
			return this.alias;
		}

		/** The target's model, which a passthrough puts in the client's body. */
		public String model() {
			return switch (this) {
				case OPENAI -> "gpt-4.1";
				case AZURE -> "gpt-4o";
				case ANTHROPIC -> "claude-sonnet-4";
				case GEMINI -> "gemini-2.5-flash";
				case MOCK -> "mock-1";
			};
		}

	}

	private AgentUpstreams() {
	}

	/** The WireMock server behind {@code type}. */
	public static WireMockServer server(Type type) {
		return switch (type) {
			case OPENAI -> GatewayIntegrationTest.PRIMARY;
			case AZURE -> GatewayIntegrationTest.THIRD;
			case ANTHROPIC -> GatewayIntegrationTest.CLAUDE;
			case GEMINI -> GatewayIntegrationTest.GEMINI;
			case MOCK -> throw new IllegalArgumentException("the mock answers inside the gateway");
		};
	}

	/** Makes {@code type}'s provider answer {@code text}, streamed or whole, on every endpoint an agent reaches. */
	public static void answer(Type type, String text) {
		String half = text.substring(0, text.length() / 2);
		String rest = text.substring(text.length() / 2);
		switch (type) {
			case OPENAI -> openAi(GatewayIntegrationTest.PRIMARY, "/v1", type.model(), text, half, rest);
			case AZURE -> openAi(GatewayIntegrationTest.THIRD, "/openai/v1", type.model(), text, half, rest);
			case ANTHROPIC -> {
				WireMockServer server = GatewayIntegrationTest.CLAUDE;
				server.stubFor(post("/v1/messages").atPriority(2)
					.willReturn(json(AnthropicFixtures.message(type.model(), text))));
				server.stubFor(post("/v1/messages").atPriority(1)
					.withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
					.willReturn(events(AnthropicFixtures.stream(type.model(), half, rest))));
				server.stubFor(post("/v1/messages/count_tokens").willReturn(json("{\"input_tokens\":42}")));
			}
			case GEMINI -> {
				WireMockServer server = GatewayIntegrationTest.GEMINI;
				String models = "/v1beta/models/" + type.model();
				server.stubFor(post(urlEqualTo(models + ":streamGenerateContent?alt=sse"))
					.willReturn(events(geminiChunk(half, null) + geminiChunk(rest, "STOP"))));
				server.stubFor(post(urlEqualTo(models + ":generateContent"))
					.willReturn(json(geminiChunk(text, "STOP").substring(6).trim())));
				server.stubFor(post(urlEqualTo(models + ":countTokens")).willReturn(json("{\"totalTokens\":42}")));
			}
			case MOCK -> {
				// answers inside the gateway
			}
		}
	}

	private static void openAi(WireMockServer server, String root, String model, String text, String half,
			String rest) {
		server.stubFor(post(root + "/chat/completions").atPriority(2).willReturn(json(OpenAiFixtures.completion(model, text))));
		server.stubFor(post(root + "/chat/completions").atPriority(1)
			.withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
			.willReturn(events(OpenAiFixtures.stream(model, half, rest))));
		server.stubFor(post(root + "/responses").willReturn(events(responsesStream(model, half, rest))));
	}

	/** A Responses API stream as OpenAI sends it: the text in two deltas, the item, {@code response.completed}. */
	public static String responsesStream(String model, String half, String rest) {
		String item = "{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":"
				+ "[{\"type\":\"output_text\",\"text\":\"" + half + rest + "\",\"annotations\":[]}]}";
		String response = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,\"model\":\"" + model
				+ "\",\"status\":";
		String usage = "\"usage\":{\"input_tokens\":9,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":4,"
				+ "\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":13}";
		return "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + response
				+ "\"in_progress\",\"output\":[]}}\n\n"
				+ "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":1,"
				+ "\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\","
				+ "\"role\":\"assistant\",\"content\":[]}}\n\n"
				+ delta(2, half) + delta(3, rest)
				+ "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"sequence_number\":4,"
				+ "\"output_index\":0,\"item\":" + item + "}\n\n"
				+ "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":5,\"response\":"
				+ response + "\"completed\",\"output\":[" + item + "]," + usage + "}}\n\n";
	}

	private static String delta(int sequence, String text) {
		return "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":"
				+ sequence + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + text + "\"}\n\n";
	}

	private static String geminiChunk(String text, String finishReason) {
		return "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"" + text + "\"}]},"
				+ ((finishReason != null) ? "\"finishReason\":\"" + finishReason + "\"," : "") + "\"index\":0}]"
				+ ((finishReason != null)
						? ",\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":4,\"totalTokenCount\":13}"
						: "")
				+ ",\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n";
	}

	private static ResponseDefinitionBuilder json(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
	}

	private static ResponseDefinitionBuilder events(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body)
			.withChunkedDribbleDelay(4, 20);
	}

}
