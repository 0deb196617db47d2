package dev.switchboard.testsupport;

/**
 * Upstream answers in OpenAI's format, for WireMock stubs.
 */
public final class OpenAiFixtures {

	private OpenAiFixtures() {
	}

	/** A non-streamed chat completion with {@code content} from {@code model}. */
	public static String completion(String model, String content) {
		return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"" + model
				+ "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content
				+ "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}";
	}

	/** One {@code data:} event carrying a content delta. */
	public static String chunkEvent(String model, String content) {
		return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + model
				+ "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
	}

	/** The chunk with {@code finish_reason: stop}. */
	public static String finishEvent(String model) {
		return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + model
				+ "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
	}

	public static final String DONE_EVENT = "data: [DONE]\n\n";

	/** A whole stream: {@code parts} as content chunks, the finish chunk, then [DONE]. */
	public static String stream(String model, String... parts) {
		StringBuilder out = new StringBuilder();
		for (String part : parts) {
			out.append(chunkEvent(model, part));
		}
		return out.append(finishEvent(model)).append(DONE_EVENT).toString();
	}

	/** An OpenAI error body. */
	public static String error(String message, String type, String code) {
		return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":\"" + code + "\"}}";
	}

}
