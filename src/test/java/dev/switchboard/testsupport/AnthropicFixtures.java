package dev.switchboard.testsupport;

/**
 * Upstream answers in Anthropic's Messages format, for WireMock stubs.
 */
public final class AnthropicFixtures {

	public static final String MESSAGES = "/v1/messages";

	private AnthropicFixtures() {
	}

	/** A non-streamed message with {@code text} from {@code model}. */
	public static String message(String model, String text) {
		return "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
				+ "\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"stop_reason\":\"end_turn\","
				+ "\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,\"cache_creation_input_tokens\":0,"
				+ "\"cache_read_input_tokens\":3,\"output_tokens\":4}}";
	}

	/** {@code event: name} and its data, with the blank line. */
	public static String event(String name, String data) {
		return "event: " + name + "\ndata: " + data + "\n\n";
	}

	public static String messageStart(String model) {
		return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\","
				+ "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,"
				+ "\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,\"cache_creation_input_tokens\":0,"
				+ "\"cache_read_input_tokens\":3,\"output_tokens\":1}}}");
	}

	public static String textStart(int index) {
		return event("content_block_start",
				"{\"type\":\"content_block_start\",\"index\":" + index + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
	}

	public static String textDelta(int index, String text) {
		return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
				+ ",\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");
	}

	public static String toolStart(int index, String id, String name) {
		return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
				+ ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"input\":{}}}");
	}

	/** An input_json_delta; {@code json} is raw JSON text, escaped here. */
	public static String inputDelta(int index, String json) {
		return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
				+ ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + dev.switchboard.support.Json.quote(json) + "}}");
	}

	public static String blockStop(int index) {
		return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
	}

	public static String messageDelta(String stopReason, int outputTokens) {
		return event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
				+ "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}");
	}

	public static final String MESSAGE_STOP = event("message_stop", "{\"type\":\"message_stop\"}");

	public static final String PING = event("ping", "{\"type\": \"ping\"}");

	/** A whole text stream: {@code parts} as text deltas of one block, end_turn, message_stop. */
	public static String stream(String model, String... parts) {
		StringBuilder out = new StringBuilder(messageStart(model)).append(textStart(0)).append(PING);
		for (String part : parts) {
			out.append(textDelta(0, part));
		}
		return out.append(blockStop(0)).append(messageDelta("end_turn", parts.length)).append(MESSAGE_STOP).toString();
	}

	/** An Anthropic error body. */
	public static String error(String type, String message) {
		return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
	}

}
