package dev.switchboard.translate.openai;

import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.TranslationNotes;
import dev.switchboard.translate.UntranslatableRequestException;

/**
 * Responses API requests as Chat Completions requests, for providers that serve only chat. What is translated,
 * dropped or refused is the table in docs/clients.md; in short:
 * <ul>
 * <li>{@code instructions} and {@code system}/{@code developer} messages stay instructions at their place in the
 * conversation; {@code function_call} items join the assistant turn before them as tool calls, their outputs
 * become {@code tool} messages; {@code reasoning} items (encrypted, another provider's) are left out.</li>
 * <li>{@code max_output_tokens}, {@code temperature}, {@code top_p}, {@code tool_choice},
 * {@code parallel_tool_calls}, {@code reasoning.effort}, {@code text.format}, {@code text.verbosity},
 * {@code prompt_cache_key}, {@code user} and {@code safety_identifier} have Chat Completions equivalents.</li>
 * <li>{@code previous_response_id}, {@code conversation}, {@code store: true}, {@code background: true} and
 * {@code item_reference} need responses stored by the provider: the gateway stores none, so they are refused.
 * {@code store: false} (what Codex sends) and a missing {@code store} are served.</li>
 * </ul>
 */
final class ResponsesRequests {

	/** Parameters that only tune bookkeeping or what extra comes back, and that chat providers have no use for. */
	private static final Set<String> DROPPED = Set.of("include", "metadata", "client_metadata", "service_tier",
			"truncation", "max_tool_calls", "stream_options", "top_logprobs", "prompt_cache_retention", "prompt",
			"background");

	/** Parameters that need the provider to hold earlier responses, which a translated target cannot. */
	private static final Map<String, String> STATEFUL = Map.of("previous_response_id",
			"'previous_response_id' needs the response stored by OpenAI; this gateway stores no responses for other "
					+ "providers: send the whole conversation in 'input' with store: false",
			"conversation", "'conversation' needs a conversation stored by OpenAI; send the whole conversation in "
					+ "'input' with store: false");

	private ResponsesRequests() {
	}

	static ObjectNode toChat(ObjectNode request, TranslationNotes notes) {
		ObjectNode chat = JsonTrees.object();
		if (request.has("model")) {
			chat.set("model", request.get("model"));
		}
		ArrayNode messages = chat.putArray("messages");
		String instructions = JsonTrees.nonEmpty(request, "instructions");
		if (instructions != null) {
			messages.addObject().put("role", "system").put("content", instructions);
		}
		for (Map.Entry<String, JsonNode> field : request.properties()) {
			String name = field.getKey();
			JsonNode value = field.getValue();
			if (value.isNull()) {
				continue;
			}
			switch (name) {
				case "model", "instructions", "input" -> {
					// above and below
				}
				case "stream", "temperature", "top_p", "parallel_tool_calls", "prompt_cache_key", "user",
						"safety_identifier" -> chat.set(name, value);
				case "max_output_tokens" -> chat.set("max_completion_tokens", value);
				case "tools" -> {
					ArrayNode tools = ResponsesTools.toChat(value, notes);
					if (!tools.isEmpty()) {
						chat.set("tools", tools);
					}
				}
				case "tool_choice" -> {
					JsonNode choice = ResponsesTools.choiceToChat(value, notes);
					if (choice != null) {
						chat.set("tool_choice", choice);
					}
				}
				case "reasoning" -> reasoning(value, chat, notes);
				case "text" -> text(value, chat, notes);
				case "store" -> {
					if (value.asBoolean(false)) {
						throw new UntranslatableRequestException("store", "'store: true' asks the provider to keep the "
								+ "response for later requests; this gateway stores no responses for other providers: "
								+ "send store: false");
					}
				}
				default -> {
					String stateful = STATEFUL.get(name);
					if (stateful != null) {
						throw new UntranslatableRequestException(name, stateful);
					}
					notes.dropped(name);
				}
			}
		}
		if (!chat.has("tools")) {
			chat.remove("tool_choice");
			chat.remove("parallel_tool_calls");
		}
		input(request.get("input"), messages, notes);
		return chat;
	}

	private static void reasoning(JsonNode reasoning, ObjectNode chat, TranslationNotes notes) {
		String effort = JsonTrees.nonEmpty(reasoning, "effort");
		if (effort != null) {
			chat.put("reasoning_effort", effort);
		}
		if (JsonTrees.present(reasoning, "summary") || JsonTrees.present(reasoning, "generate_summary")) {
			// the reasoning a provider shows comes back as a summary anyway, where it shows any
			notes.dropped("reasoning.summary");
		}
	}

	private static void text(JsonNode text, ObjectNode chat, TranslationNotes notes) {
		for (Map.Entry<String, JsonNode> entry : text.properties()) {
			JsonNode value = entry.getValue();
			switch (entry.getKey()) {
				case "format" -> {
					String type = JsonTrees.string(value, "type");
					if ("json_schema".equals(type)) {
						ObjectNode format = chat.putObject("response_format").put("type", "json_schema");
						ObjectNode schema = format.putObject("json_schema");
						schema.put("name", value.path("name").asString("output"));
						if (JsonTrees.present(value, "description")) {
							schema.set("description", value.get("description"));
						}
						schema.set("schema", value.path("schema"));
						if (value.has("strict")) {
							schema.set("strict", value.get("strict"));
						}
					}
					else if ("json_object".equals(type)) {
						chat.putObject("response_format").put("type", "json_object");
					}
					else if (!"text".equals(type)) {
						throw new UntranslatableRequestException("text.format",
								"text.format of type '" + type + "' cannot be translated");
					}
				}
				case "verbosity" -> chat.set("verbosity", value);
				default -> notes.dropped("text." + entry.getKey());
			}
		}
	}

	/** The {@code input} items in order, as chat messages. */
	private static void input(@Nullable JsonNode input, ArrayNode messages, TranslationNotes notes) {
		if (input == null || input.isNull()) {
			return;
		}
		if (input.isString()) {
			messages.addObject().put("role", "user").put("content", input.stringValue());
			return;
		}
		for (int i = 0; i < input.size(); i++) {
			JsonNode item = input.get(i);
			String where = "input[" + i + "]";
			String type = JsonTrees.string(item, "type");
			if (type == null && item.has("role")) {
				type = "message";
			}
			switch ((type != null) ? type : "") {
				case "message" -> message(item, where, messages);
				case "function_call" -> {
					String namespace = JsonTrees.nonEmpty(item, "namespace");
					String name = item.path("name").asString("");
					toolCall(messages, item.path("call_id").asString(""),
							(namespace != null) ? namespace + ResponsesTools.NAMESPACE_SEPARATOR + name : name,
							item.path("arguments").asString("{}"));
				}
				case "custom_tool_call" -> {
					ObjectNode arguments = JsonTrees.object().put("input", item.path("input").asString(""));
					toolCall(messages, item.path("call_id").asString(""), item.path("name").asString(""),
							JsonTrees.text(arguments));
				}
				case "function_call_output", "custom_tool_call_output" -> messages.addObject()
					.put("role", "tool")
					.put("tool_call_id", item.path("call_id").asString(""))
					.put("content", outputText(item.get("output"), where));
				case "reasoning" -> notes.dropped("input.reasoning");
				case "web_search_call" -> notes.dropped("input.web_search_call");
				case "item_reference" -> throw new UntranslatableRequestException(where,
						where + " refers to an item stored by OpenAI; this gateway stores none for other providers");
				default -> throw new UntranslatableRequestException(where,
						where + " is a '" + type + "' item, which cannot be sent to this provider");
			}
		}
	}

	private static void message(JsonNode item, String where, ArrayNode messages) {
		String role = item.path("role").asString("user");
		JsonNode content = item.get("content");
		switch (role) {
			case "system", "developer" -> messages.addObject().put("role", role).put("content", text(content, where));
			case "assistant" -> {
				ObjectNode assistant = messages.addObject().put("role", "assistant");
				assistant.put("content", text(content, where));
			}
			case "user" -> {
				ObjectNode user = messages.addObject().put("role", "user");
				if (content == null || content.isString()) {
					user.put("content", (content != null) ? content.stringValue() : "");
				}
				else {
					user.set("content", userParts(content, where));
				}
			}
			default -> throw new UntranslatableRequestException(where + ".role",
					where + ".role '" + role + "' is not a Responses API role");
		}
	}

	/** A user message's parts: text, images (URL or data URL) and files (as data). */
	private static ArrayNode userParts(JsonNode content, String where) {
		ArrayNode parts = JsonTrees.array();
		for (int j = 0; j < content.size(); j++) {
			JsonNode part = content.get(j);
			String type = JsonTrees.string(part, "type");
			String at = where + ".content[" + j + "]";
			switch ((type != null) ? type : "") {
				case "input_text", "output_text", "text" -> parts.addObject()
					.put("type", "text")
					.put("text", part.path("text").asString(""));
				case "input_image" -> {
					String url = JsonTrees.nonEmpty(part, "image_url");
					if (url == null) {
						throw new UntranslatableRequestException(at,
								"an image by 'file_id' is stored by OpenAI and cannot be sent to this provider; send 'image_url'");
					}
					ObjectNode image = parts.addObject().put("type", "image_url");
					ObjectNode imageUrl = image.putObject("image_url").put("url", url);
					if (JsonTrees.present(part, "detail")) {
						imageUrl.set("detail", part.get("detail"));
					}
				}
				case "input_file" -> {
					String data = JsonTrees.nonEmpty(part, "file_data");
					if (data == null) {
						throw new UntranslatableRequestException(at,
								"a file by 'file_id' or 'file_url' cannot be sent to this provider; send 'file_data'");
					}
					ObjectNode file = parts.addObject().put("type", "file").putObject("file");
					file.put("file_data", data);
					if (JsonTrees.present(part, "filename")) {
						file.set("filename", part.get("filename"));
					}
				}
				default -> throw new UntranslatableRequestException(at,
						"a '" + type + "' content part cannot be sent to this provider");
			}
		}
		return parts;
	}

	/** The text of a message's content: a string, or its text parts joined (refusals count as text). */
	private static String text(@Nullable JsonNode content, String where) {
		if (content == null || content.isNull()) {
			return "";
		}
		if (content.isString()) {
			return content.stringValue();
		}
		StringBuilder text = new StringBuilder();
		for (int j = 0; j < content.size(); j++) {
			JsonNode part = content.get(j);
			String type = JsonTrees.string(part, "type");
			String value = "refusal".equals(type) ? part.path("refusal").asString("")
					: ("input_text".equals(type) || "output_text".equals(type) || "text".equals(type))
							? part.path("text").asString("") : null;
			if (value == null) {
				throw new UntranslatableRequestException(where + ".content[" + j + "]",
						"only text can be sent in this message to this provider, not '" + type + "'");
			}
			text.append((text.length() == 0) ? "" : "\n").append(value);
		}
		return text.toString();
	}

	/** A tool output: a string, or the text of its parts. */
	private static String outputText(@Nullable JsonNode output, String where) {
		if (output == null || output.isNull()) {
			return "";
		}
		if (output.isString()) {
			return output.stringValue();
		}
		return text(output, where + ".output");
	}

	/** Adds a tool call to the assistant turn just before it, or to a new one. */
	private static void toolCall(ArrayNode messages, String callId, String name, String arguments) {
		JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
		ObjectNode assistant;
		if (last instanceof ObjectNode object && "assistant".equals(JsonTrees.string(object, "role"))) {
			assistant = object;
		}
		else {
			assistant = messages.addObject().put("role", "assistant");
			assistant.putNull("content");
		}
		ArrayNode calls = (assistant.get("tool_calls") instanceof ArrayNode existing) ? existing
				: assistant.putArray("tool_calls");
		ObjectNode call = calls.addObject().put("id", callId).put("type", "function");
		call.putObject("function").put("name", name).put("arguments", arguments.isEmpty() ? "{}" : arguments);
		if (assistant.path("content").asString("").isEmpty()) {
			assistant.putNull("content");
		}
	}

}
