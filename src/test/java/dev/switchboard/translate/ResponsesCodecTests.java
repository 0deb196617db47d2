package dev.switchboard.translate;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.Endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Responses API codec on its own: Codex CLI's history and tools to the hub, and the hub's answers (whole and
 * streamed) back as Responses objects and events, namespaced and custom tools mapped both ways.
 */
class ResponsesCodecTests {

	private final WireCodec codec = WireCodecs.client(Endpoint.RESPONSES);

	private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"name\":\"exec_command\",\"parameters\":"
			+ "{\"type\":\"object\",\"properties\":{}}},{\"type\":\"namespace\",\"name\":\"multi_agent_v1\","
			+ "\"tools\":[{\"type\":\"function\",\"name\":\"spawn_agent\",\"parameters\":{\"type\":\"object\"}}]},"
			+ "{\"type\":\"custom\",\"name\":\"apply_patch\",\"format\":{\"type\":\"grammar\",\"syntax\":\"lark\","
			+ "\"definition\":\"start: 'x'\"}},{\"type\":\"web_search\",\"external_web_access\":false}]";

	@Test
	void codexHistoryBecomesChatTurnsWithToolCallsOnTheAssistantTurn() {
		TranslationNotes notes = new TranslationNotes();
		ObjectNode hub = this.codec.requestToHub(object("{\"model\":\"m\",\"instructions\":\"Be a coder.\","
				+ "\"input\":[{\"type\":\"message\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"Sandbox on.\"}]},"
				+ "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Fix it\"}]},"
				+ "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],\"encrypted_content\":\"gAAAA\"},"
				+ "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Looking.\"}]},"
				+ "{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"},"
				+ "{\"type\":\"function_call\",\"call_id\":\"c2\",\"name\":\"spawn_agent\",\"namespace\":\"multi_agent_v1\",\"arguments\":\"{}\"},"
				+ "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"a.txt\"},"
				+ "{\"type\":\"function_call_output\",\"call_id\":\"c2\",\"output\":\"spawned\"},"
				+ "{\"type\":\"custom_tool_call\",\"call_id\":\"c3\",\"name\":\"apply_patch\",\"input\":\"*** Begin Patch\"}],"
				+ TOOLS + ",\"tool_choice\":\"auto\",\"parallel_tool_calls\":true,\"reasoning\":{\"effort\":\"medium\",\"summary\":\"auto\"},"
				+ "\"store\":false,\"include\":[\"reasoning.encrypted_content\"],\"prompt_cache_key\":\"k\",\"stream\":true}"), notes);

		JsonNode messages = hub.path("messages");
		assertThat(messages).extracting(message -> message.path("role").asString())
			.containsExactly("system", "developer", "user", "assistant", "tool", "tool", "assistant");
		JsonNode assistant = messages.get(3);
		assertThat(assistant.path("content").asString()).isEqualTo("Looking.");
		assertThat(assistant.path("tool_calls")).extracting(call -> call.path("function").path("name").asString())
			.containsExactly("exec_command", "multi_agent_v1__spawn_agent");
		assertThat(messages.get(6).path("tool_calls").get(0).path("function").path("arguments").asString())
			.isEqualTo("{\"input\":\"*** Begin Patch\"}");
		assertThat(hub.path("tools")).extracting(tool -> tool.path("function").path("name").asString())
			.containsExactly("exec_command", "multi_agent_v1__spawn_agent", "apply_patch");
		assertThat(hub.path("tools").get(2).path("function").path("description").asString()).contains("start: 'x'");
		assertThat(hub.path("reasoning_effort").asString()).isEqualTo("medium");
		assertThat(hub.path("prompt_cache_key").asString()).isEqualTo("k");
		assertThat(notes.dropped()).containsExactlyInAnyOrder("tools.web_search", "reasoning.summary", "include",
				"input.reasoning");
	}

	@Test
	void aWholeAnswerMapsCallsBackToTheirNamespaceAndCustomTool() {
		ObjectNode request = object("{\"model\":\"m\",\"input\":\"hi\"," + TOOLS + "}");
		ObjectNode answer = this.codec.responseFromHub(object("{\"id\":\"chatcmpl-7\",\"created\":5,\"model\":\"m\","
				+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"Plan.\","
				+ "\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"multi_agent_v1__spawn_agent\","
				+ "\"arguments\":\"{}\"}},{\"id\":\"c2\",\"type\":\"function\",\"function\":{\"name\":\"apply_patch\","
				+ "\"arguments\":\"{\\\"input\\\":\\\"*** Begin Patch\\\"}\"}}]},\"finish_reason\":\"length\"}],"
				+ "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":4,\"total_tokens\":14,"
				+ "\"completion_tokens_details\":{\"reasoning_tokens\":2}}}"), request, new TranslationContext(1));

		assertThat(answer.path("id").asString()).isEqualTo("resp_7");
		assertThat(answer.path("status").asString()).isEqualTo("incomplete");
		assertThat(answer.path("incomplete_details").path("reason").asString()).isEqualTo("max_output_tokens");
		JsonNode output = answer.path("output");
		assertThat(output.get(0).path("type").asString()).isEqualTo("reasoning");
		assertThat(output.get(0).path("summary").get(0).path("text").asString()).isEqualTo("Plan.");
		assertThat(output.get(1).path("type").asString()).isEqualTo("function_call");
		assertThat(output.get(1).path("name").asString()).isEqualTo("spawn_agent");
		assertThat(output.get(1).path("namespace").asString()).isEqualTo("multi_agent_v1");
		assertThat(output.get(2).path("type").asString()).isEqualTo("custom_tool_call");
		assertThat(output.get(2).path("input").asString()).isEqualTo("*** Begin Patch");
		assertThat(answer.path("usage").path("output_tokens_details").path("reasoning_tokens").asInt()).isEqualTo(2);
	}

	@Test
	void aStreamOpensReasoningThenTextItemsAndHoldsOnlyACustomToolsInput() {
		ObjectNode request = object("{\"model\":\"m\",\"input\":\"hi\",\"stream\":true," + TOOLS + "}");
		StreamEncoder encoder = this.codec.streamFromHub(request, new TranslationContext(1));
		StringBuilder out = new StringBuilder();
		for (String delta : List.of("{\"role\":\"assistant\",\"reasoning_content\":\"Think\"}", "{\"content\":\"Do\"}",
				"{\"tool_calls\":[{\"index\":0,\"id\":\"c9\",\"type\":\"function\",\"function\":{\"name\":\"apply_patch\",\"arguments\":\"{\\\"input\\\":\"}}]}",
				"{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"P\\\"}\"}}]}")) {
			encoder.encode(object("{\"id\":\"chatcmpl-s\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}"), out);
		}
		encoder.encode(object("{\"id\":\"chatcmpl-s\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}"), out);
		encoder.encode(object("{\"id\":\"chatcmpl-s\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}"), out);
		encoder.end(out);

		List<JsonNode> events = new ArrayList<>();
		for (String event : out.toString().split("\n\n")) {
			events.add(JsonTrees.parse(event.substring(event.indexOf("data: ") + 6)));
		}
		assertThat(events).extracting(event -> event.path("type").asString()).containsExactly("response.created",
				"response.in_progress", "response.output_item.added", "response.reasoning_summary_part.added",
				"response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
				"response.reasoning_summary_part.done", "response.output_item.done", "response.output_item.added",
				"response.content_part.added", "response.output_text.delta", "response.output_text.done",
				"response.content_part.done", "response.output_item.done", "response.output_item.added",
				"response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
				"response.output_item.done", "response.completed");
		assertThat(events).extracting(event -> event.path("sequence_number").asInt())
			.isEqualTo(java.util.stream.IntStream.range(0, events.size()).boxed().toList());
		JsonNode completed = events.get(events.size() - 1).path("response");
		assertThat(completed.path("output")).extracting(item -> item.path("type").asString())
			.containsExactly("reasoning", "message", "custom_tool_call");
		assertThat(completed.path("output").get(2).path("input").asString()).isEqualTo("P");
		assertThat(completed.path("usage").path("total_tokens").asInt()).isEqualTo(5);
	}

	@Test
	void storedStateAndHostedToolsAreRefusedNamingTheParameter() {
		for (String[] refused : new String[][] { { "{\"input\":\"hi\",\"conversation\":\"conv_1\"}", "conversation" },
				{ "{\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}", "input[0]" },
				{ "{\"input\":\"hi\",\"tools\":[{\"type\":\"file_search\",\"vector_store_ids\":[\"vs\"]}]}", "tools[0]" } }) {
			UntranslatableRequestException ex = catchThrowableOfType(UntranslatableRequestException.class,
					() -> this.codec.requestToHub(object(refused[0]), new TranslationNotes()));
			assertThat(ex).as(refused[0]).isNotNull();
			assertThat(ex.param()).isEqualTo(refused[1]);
		}
	}

	private static ObjectNode object(String json) {
		ObjectNode node = JsonTrees.parseObject(json);
		assertThat(node).as(json).isNotNull();
		return node;
	}

}
