package dev.switchboard.translate;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class HubStreamsTests {

	@Test
	void aWholeAnswerToldAsChunksAssemblesBackToTheSameAnswer() {
		ObjectNode answer = JsonTrees.parseObject("""
				{"id":"chatcmpl-9","object":"chat.completion","created":1700000000,"model":"m",
				 "choices":[
				  {"index":0,"message":{"role":"assistant","content":"Two answers","reasoning_content":"thinking"},
				   "logprobs":null,"finish_reason":"stop"},
				  {"index":1,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
				   "function":{"name":"lookup","arguments":"{\\"q\\":1}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],
				 "usage":{"prompt_tokens":4,"completion_tokens":6,"total_tokens":10}}
				""");

		List<ObjectNode> chunks = HubStreams.chunks(answer);
		ObjectNode again = HubStreams.assemble(chunks);

		assertThat(chunks).as("content and finish per choice, then usage").hasSize(5);
		assertThat(chunks.get(4).get("choices")).isEmpty();
		assertThat(JsonTrees.text(again)).as("the same JSON").isEqualTo(JsonTrees.text(answer));
	}

}
