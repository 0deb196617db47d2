package dev.switchboard.jmh;

/** Stand-ins of the shared benchmark's request and answers, for a checkout without {@code ../shared/bench}. */
final class Fixtures {

	static final String CHAT_REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":"
			+ "\"You are terse.\"},{\"role\":\"user\",\"content\":\"Name the largest planet, in one sentence.\"}],"
			+ "\"temperature\":0.2,\"max_tokens\":128,\"stream\":false}";

	static final String CHAT_ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1745000000,"
			+ "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
			+ "\"Jupiter is the largest planet in the solar system.\"},\"finish_reason\":\"stop\"}],"
			+ "\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":11,\"total_tokens\":35}}";

	static final String CHAT_STREAM = stream();

	static final String MESSAGES_STREAM = messages();

	private Fixtures() {
	}

	/** An Anthropic Messages stream: message_start, one text block of 19 deltas, message_delta, message_stop. */
	private static String messages() {
		StringBuilder events = new StringBuilder();
		events.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",")
			.append("\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],")
			.append("\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":24,\"output_tokens\":1}}}\n\n")
			.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,")
			.append("\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
		for (int i = 0; i < 19; i++) {
			events.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,")
				.append("\"delta\":{\"type\":\"text_delta\",\"text\":\" word")
				.append(i)
				.append("\"}}\n\n");
		}
		events.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n")
			.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",")
			.append("\"stop_sequence\":null},\"usage\":{\"output_tokens\":19}}\n\n")
			.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
		return events.toString();
	}

	/** 22 chunk events, the last with usage, then {@code [DONE]}: the shape of a real chat stream. */
	private static String stream() {
		StringBuilder events = new StringBuilder();
		for (int i = 0; i < 21; i++) {
			events.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1745000000,")
				.append("\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word")
				.append(i)
				.append("\"},\"finish_reason\":null}]}\n\n");
		}
		events.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1745000000,")
			.append("\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],")
			.append("\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":21,\"total_tokens\":45}}\n\n");
		return events.append("data: [DONE]\n\n").toString();
	}

}
