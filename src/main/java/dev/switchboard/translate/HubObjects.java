package dev.switchboard.translate;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hub (Chat Completions) objects that every codec reads or builds the same way: stream chunks, and the plain text of
 * a system, developer or tool message.
 */
public final class HubObjects {

	private HubObjects() {
	}

	/** A {@code chat.completion.chunk} without choices: the head of every chunk, and the whole of a usage chunk. */
	public static ObjectNode chunkHead(String id, long created, String model) {
		ObjectNode chunk = JsonTrees.object();
		chunk.put("id", id);
		chunk.put("object", "chat.completion.chunk");
		chunk.put("created", created);
		chunk.put("model", model);
		return chunk;
	}

	/** A chunk with one choice carrying {@code delta}, and {@code finishReason} (null until the last). */
	public static ObjectNode chunk(String id, long created, String model, ObjectNode delta,
			@Nullable String finishReason) {
		ObjectNode chunk = chunkHead(id, created, model);
		ArrayNode choices = chunk.putArray("choices");
		ObjectNode choice = choices.addObject();
		choice.put("index", 0);
		choice.set("delta", delta);
		choice.putNull("logprobs");
		if (finishReason != null) {
			choice.put("finish_reason", finishReason);
		}
		else {
			choice.putNull("finish_reason");
		}
		return chunk;
	}

	/**
	 * The text of a system, developer or tool message: a string, or its text parts joined by new lines.
	 * @param where the message's place in the request, for the error
	 * @param target the format it is sent to, for the error
	 * @throws UntranslatableRequestException for a part that is not text
	 */
	public static String text(@Nullable JsonNode content, String where, String target) {
		if (content == null || content.isNull()) {
			return "";
		}
		if (content.isString()) {
			return content.stringValue();
		}
		StringBuilder text = new StringBuilder();
		for (JsonNode part : content) {
			if (!"text".equals(JsonTrees.string(part, "type"))) {
				throw new UntranslatableRequestException(where + ".content",
						"only text parts can be sent to " + target + " in " + where);
			}
			text.append((text.length() == 0) ? "" : "\n").append(part.path("text").asString(""));
		}
		return text.toString();
	}

}
