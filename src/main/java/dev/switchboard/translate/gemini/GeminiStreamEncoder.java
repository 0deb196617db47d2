package dev.switchboard.translate.gemini;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.StreamEncoder;

/**
 * Hub chunks as Gemini's {@code streamGenerateContent?alt=sse} chunks: each text or reasoning delta at once as a
 * chunk of one part; tool calls, whose arguments Gemini sends whole, and the finish reason with the usage in the last
 * chunk. The hub sends usage just after its finish chunk, so the last chunk goes out on the usage (or at the end,
 * when the provider reported none): Gemini has no terminal event, and a chunk with {@code finishReason} is its end.
 */
final class GeminiStreamEncoder implements StreamEncoder {

	/** The tool calls so far, by their hub index: Gemini sends each whole, so they wait for the last chunk. */
	private final Map<Integer, HeldCall> calls = new LinkedHashMap<>();

	private String model = "";

	private String id = "";

	private @Nullable String finishReason;

	private boolean finished;

	@Override
	public void encode(ObjectNode chunk, StringBuilder out) {
		if (this.id.isEmpty()) {
			this.id = chunk.path("id").asString("");
			this.model = chunk.path("model").asString("");
		}
		JsonNode choice = chunk.path("choices").path(0);
		if (!choice.isMissingNode()) {
			JsonNode delta = choice.path("delta");
			String reasoning = JsonTrees.nonEmpty(delta, "reasoning_content");
			if (reasoning != null) {
				ArrayNode parts = JsonTrees.array();
				parts.addObject().put("text", reasoning).put("thought", true);
				write(out, GeminiClientAnswers.chunk(parts, null, null, this.model, this.id));
			}
			String text = JsonTrees.nonEmpty(delta, "content");
			if (text != null) {
				ArrayNode parts = JsonTrees.array();
				parts.addObject().put("text", text);
				write(out, GeminiClientAnswers.chunk(parts, null, null, this.model, this.id));
			}
			for (JsonNode call : delta.path("tool_calls")) {
				HeldCall held = this.calls.computeIfAbsent(call.path("index").asInt(0), index -> new HeldCall());
				JsonNode function = call.path("function");
				if (JsonTrees.nonEmpty(call, "id") != null) {
					held.id = call.path("id").asString("");
				}
				if (JsonTrees.nonEmpty(function, "name") != null) {
					held.name = function.path("name").asString("");
				}
				held.arguments.append(function.path("arguments").asString(""));
			}
			String finish = JsonTrees.nonEmpty(choice, "finish_reason");
			if (finish != null) {
				this.finishReason = finish;
			}
		}
		JsonNode usage = chunk.get("usage");
		if (usage != null && usage.isObject() && this.finishReason != null) {
			last(out, usage);
		}
	}

	@Override
	public void end(StringBuilder out) {
		last(out, null);
	}

	private void last(StringBuilder out, @Nullable JsonNode usage) {
		if (this.finished) {
			return;
		}
		this.finished = true;
		ArrayNode parts = JsonTrees.array();
		this.calls.values()
			.forEach(call -> parts.add(GeminiClientAnswers.functionCall(call.id, call.name, call.arguments.toString())));
		if (parts.isEmpty()) {
			parts.addObject().put("text", "");
		}
		write(out, GeminiClientAnswers.chunk(parts, GeminiClientAnswers.finishReason(this.finishReason), usage,
				this.model, this.id));
	}

	private static void write(StringBuilder out, ObjectNode chunk) {
		out.append("data: ").append(JsonTrees.text(chunk)).append("\r\n\r\n");
	}

	private static final class HeldCall {

		String id = "";

		String name = "";

		final StringBuilder arguments = new StringBuilder();

	}

}
