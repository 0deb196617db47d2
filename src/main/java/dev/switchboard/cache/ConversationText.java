package dev.switchboard.cache;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The text of a request's conversation, as the semantic mode embeds it: the system prompt and each turn's text,
 * role first, one turn per line. Chat Completions ({@code messages} with string or text-part content), Messages
 * ({@code system} and {@code messages} with text blocks) and Responses ({@code instructions} and {@code input}).
 * <p>
 * A turn with anything but text (an image, a tool call or its result) makes the conversation one that is compared
 * exactly only: two requests that differ in an image or a tool result are not "similar" because their words are.
 */
final class ConversationText {

	private ConversationText() {
	}

	/** The conversation's text, or {@code null} when it has a part that is not text, or no text at all. */
	static @Nullable String of(ObjectNode request) {
		StringBuilder out = new StringBuilder(256);
		for (String system : new String[] { "system", "instructions" }) {
			JsonNode value = request.get(system);
			if (value != null && !value.isNull()) {
				if (!appendTurn(out, "system", value)) {
					return null;
				}
			}
		}
		JsonNode input = request.get("input");
		if (input != null && input.isString()) {
			appendTurn(out, "user", input);
		}
		JsonNode turns = request.has("messages") ? request.get("messages") : (input != null && input.isArray()) ? input : null;
		if (turns != null) {
			if (!turns.isArray()) {
				return null;
			}
			for (JsonNode turn : turns) {
				if (!turn.isObject() || turn.has("tool_calls") || turn.has("function_call")) {
					return null;
				}
				String role = turn.path("role").asString("user");
				if (!appendTurn(out, role, turn.get("content"))) {
					return null;
				}
			}
		}
		return (out.length() == 0) ? null : out.toString();
	}

	/** The roles of the turns in order ({@code system,user,assistant,user}): compared exactly. */
	static String roles(ObjectNode request) {
		StringBuilder out = new StringBuilder();
		if (request.has("system") || request.has("instructions")) {
			out.append("system");
		}
		JsonNode input = request.get("input");
		JsonNode turns = request.has("messages") ? request.get("messages") : (input != null && input.isArray()) ? input : null;
		if (input != null && input.isString()) {
			out.append((out.length() == 0) ? "" : ",").append("user");
		}
		if (turns != null) {
			for (JsonNode turn : turns) {
				out.append((out.length() == 0) ? "" : ",").append(turn.path("role").asString("user"));
			}
		}
		return out.toString();
	}

	/** Appends {@code role: text}; false when the content has a part that is not text. */
	private static boolean appendTurn(StringBuilder out, String role, @Nullable JsonNode content) {
		if (content == null || content.isNull()) {
			return true;
		}
		StringBuilder text = new StringBuilder();
		if (content.isString()) {
			text.append(content.stringValue());
		}
		else if (content.isArray()) {
			for (JsonNode part : content) {
				String type = part.path("type").asString("");
				if (!(type.equals("text") || type.equals("input_text") || type.equals("output_text"))) {
					return false;
				}
				text.append((text.length() == 0) ? "" : "\n").append(part.path("text").asString(""));
			}
		}
		else {
			return false;
		}
		out.append(role).append(": ").append(text).append('\n');
		return true;
	}

}
