package dev.switchboard.translate;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.Endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Gemini codec on the client side: a Gemini CLI conversation to the hub (id-less calls paired with their
 * responses, thoughts and signatures left out) and the hub's answers back in Gemini's shape.
 */
class GeminiClientCodecTests {

	private final WireCodec codec = WireCodecs.client(Endpoint.GENERATE_CONTENT);

	@Test
	void idLessCallsAndResponsesArePairedInOrderAndThoughtsAreLeftOut() {
		TranslationNotes notes = new TranslationNotes();
		ObjectNode hub = this.codec.requestToHub(object("{\"contents\":["
				+ "{\"role\":\"user\",\"parts\":[{\"text\":\"Read both\"}]},"
				+ "{\"role\":\"model\",\"parts\":[{\"text\":\"I should read.\",\"thought\":true},"
				+ "{\"functionCall\":{\"name\":\"read_file\",\"args\":{\"path\":\"a\"}},\"thoughtSignature\":\"c2ln\"},"
				+ "{\"functionCall\":{\"name\":\"read_file\",\"args\":{\"path\":\"b\"}}}]},"
				+ "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"read_file\",\"response\":{\"output\":\"A\"}}},"
				+ "{\"functionResponse\":{\"name\":\"read_file\",\"response\":{\"content\":\"B\",\"lines\":1}}}]}],"
				+ "\"tools\":[{\"functionDeclarations\":[{\"name\":\"read_file\",\"parameters\":{\"type\":\"OBJECT\","
				+ "\"properties\":{\"path\":{\"type\":\"STRING\"},\"tags\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"STRING\"}}}}}]}],"
				+ "\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"read_file\"]}},"
				+ "\"generationConfig\":{\"responseMimeType\":\"application/json\",\"responseJsonSchema\":{\"type\":\"object\"}},"
				+ "\"safetySettings\":[]}"), notes);

		JsonNode messages = hub.path("messages");
		assertThat(messages).extracting(message -> message.path("role").asString())
			.containsExactly("user", "assistant", "tool", "tool");
		assertThat(messages.get(1).path("content").isNull()).as("the thought is not the answer's text").isTrue();
		assertThat(messages.get(1).path("tool_calls")).extracting(call -> call.path("id").asString())
			.containsExactly("call_0", "call_1");
		assertThat(messages.get(2).path("tool_call_id").asString()).isEqualTo("call_0");
		assertThat(messages.get(2).path("content").asString()).isEqualTo("A");
		assertThat(messages.get(3).path("tool_call_id").asString()).isEqualTo("call_1");
		assertThat(messages.get(3).path("content").asString()).isEqualTo("{\"content\":\"B\",\"lines\":1}");
		JsonNode parameters = hub.path("tools").get(0).path("function").path("parameters");
		assertThat(parameters.path("type").asString()).isEqualTo("object");
		assertThat(parameters.path("properties").path("tags").path("items").path("type").asString()).isEqualTo("string");
		assertThat(hub.path("tool_choice").path("function").path("name").asString()).isEqualTo("read_file");
		assertThat(hub.path("response_format").path("json_schema").path("schema").path("type").asString())
			.isEqualTo("object");
		assertThat(notes.dropped()).containsExactlyInAnyOrder("contents.parts.thought",
				"contents.parts.thoughtSignature", "safetySettings");
	}

	@Test
	void aResponseThatAnswersNoCallAndACachedContentAreRefused() {
		UntranslatableRequestException orphan = catchThrowableOfType(UntranslatableRequestException.class,
				() -> this.codec.requestToHub(object("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"functionResponse\":"
						+ "{\"name\":\"x\",\"response\":{}}}]}]}"), new TranslationNotes()));
		assertThat(orphan.param()).isEqualTo("contents[0].parts[0].functionResponse");
		UntranslatableRequestException cached = catchThrowableOfType(UntranslatableRequestException.class,
				() -> this.codec.requestToHub(object("{\"cachedContent\":\"cachedContents/1\",\"contents\":[]}"),
						new TranslationNotes()));
		assertThat(cached.param()).isEqualTo("cachedContent");
	}

	@Test
	void aHubAnswerComesBackWithThoughtsCallsAndGeminisUsage() {
		ObjectNode answer = this.codec.responseFromHub(object("{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4.1\",\"choices\":"
				+ "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Here.\",\"reasoning_content\":\"Hm.\","
				+ "\"tool_calls\":[{\"id\":\"call_5\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},"
				+ "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":6,\"total_tokens\":16,"
				+ "\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":{\"reasoning_tokens\":2}}}"),
				JsonTrees.object(), new TranslationContext(1));

		JsonNode parts = answer.path("candidates").get(0).path("content").path("parts");
		assertThat(parts.get(0).path("thought").asBoolean()).isTrue();
		assertThat(parts.get(1).path("text").asString()).isEqualTo("Here.");
		assertThat(parts.get(2).path("functionCall").path("id").asString()).isEqualTo("call_5");
		assertThat(parts.get(2).path("functionCall").path("args").path("a").asInt()).isEqualTo(1);
		assertThat(answer.path("candidates").get(0).path("finishReason").asString()).isEqualTo("STOP");
		JsonNode usage = answer.path("usageMetadata");
		assertThat(usage.path("candidatesTokenCount").asInt()).as("thoughts apart").isEqualTo(4);
		assertThat(usage.path("thoughtsTokenCount").asInt()).isEqualTo(2);
		assertThat(usage.path("cachedContentTokenCount").asInt()).isEqualTo(4);
		assertThat(usage.path("totalTokenCount").asInt()).isEqualTo(16);
	}

	private static ObjectNode object(String json) {
		ObjectNode node = JsonTrees.parseObject(json);
		assertThat(node).as(json).isNotNull();
		return node;
	}

}
