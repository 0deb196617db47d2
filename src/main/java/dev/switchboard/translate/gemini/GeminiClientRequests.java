package dev.switchboard.translate.gemini;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.TranslationNotes;
import dev.switchboard.translate.UntranslatableRequestException;

/**
 * A Gemini client's {@code generateContent} request as a Chat Completions request (the model comes from the URL and
 * is set by the caller). The mapping is the table in docs/clients.md; the parts that need thought:
 * <ul>
 * <li>Gemini function calls often have no id: each gets {@code call_<n>} in conversation order, and a
 * {@code functionResponse} without one answers the oldest unanswered call of its name.</li>
 * <li>Thought parts and thought signatures in the history are Gemini's own: left out, as every codec leaves out
 * another provider's reasoning.</li>
 * <li>{@code parameters} schemas use OpenAPI's upper-case type names ({@code OBJECT}); they become JSON Schema's.</li>
 * <li>Google's built-in tools ({@code googleSearch}, {@code codeExecution}, {@code urlContext}) run on Google's side:
 * dropped and named. {@code cachedContent} names a cache only Gemini holds: refused.</li>
 * </ul>
 */
final class GeminiClientRequests {

	private GeminiClientRequests() {
	}

	static ObjectNode toChat(ObjectNode request, TranslationNotes notes) {
		// countTokens may wrap the whole request
		if (request.get("generateContentRequest") instanceof ObjectNode wrapped) {
			request = wrapped;
		}
		ObjectNode chat = JsonTrees.object();
		ArrayNode messages = chat.putArray("messages");
		JsonNode system = request.get("systemInstruction");
		if (system != null && system.isObject()) {
			String text = texts(system.path("parts"), "systemInstruction", notes);
			if (!text.isEmpty()) {
				messages.addObject().put("role", "system").put("content", text);
			}
		}
		Calls calls = new Calls();
		JsonNode contents = request.path("contents");
		for (int i = 0; i < contents.size(); i++) {
			content(contents.get(i), "contents[" + i + "]", messages, calls, notes);
		}
		for (Map.Entry<String, JsonNode> field : request.properties()) {
			String name = field.getKey();
			JsonNode value = field.getValue();
			switch (name) {
				case "contents", "systemInstruction", "model" -> {
					// above; the model is the URL's
				}
				case "tools" -> {
					ArrayNode tools = tools(value, notes);
					if (!tools.isEmpty()) {
						chat.set("tools", tools);
					}
				}
				case "toolConfig" -> toolConfig(value, chat, notes);
				case "generationConfig" -> generation(value, chat, notes);
				case "cachedContent" -> throw new UntranslatableRequestException("cachedContent",
						"'cachedContent' names a cache only Gemini holds; send the contents themselves");
				// safetySettings, labels and the like: other providers filter and bill their own way
				default -> notes.dropped(name);
			}
		}
		if (!chat.has("tools")) {
			chat.remove("tool_choice");
		}
		return chat;
	}

	/** Function call ids made for id-less calls, and the calls still waiting for their response, by name. */
	private static final class Calls {

		int made;

		final Map<String, Deque<String>> open = new HashMap<>();

		String called(@Nullable String id, String name) {
			String callId = (id != null) ? id : "call_" + this.made;
			this.made++;
			this.open.computeIfAbsent(name, key -> new ArrayDeque<>()).add(callId);
			return callId;
		}

		@Nullable String answered(@Nullable String id, String name) {
			Deque<String> waiting = this.open.get(name);
			if (id != null) {
				if (waiting != null) {
					waiting.remove(id);
				}
				return id;
			}
			return (waiting != null) ? waiting.poll() : null;
		}

	}

	private static void content(JsonNode content, String where, ArrayNode messages, Calls calls,
			TranslationNotes notes) {
		String role = content.path("role").asString("user");
		JsonNode parts = content.path("parts");
		if ("model".equals(role)) {
			model(parts, where, messages, calls, notes);
			return;
		}
		if (!"user".equals(role) && !"function".equals(role)) {
			throw new UntranslatableRequestException(where + ".role", where + ".role must be 'user' or 'model'");
		}
		ArrayNode userParts = JsonTrees.array();
		for (int j = 0; j < parts.size(); j++) {
			JsonNode part = parts.get(j);
			String at = where + ".parts[" + j + "]";
			JsonNode response = part.get("functionResponse");
			if (response != null && response.isObject()) {
				String name = response.path("name").asString("");
				String id = calls.answered(JsonTrees.nonEmpty(response, "id"), name);
				if (id == null) {
					throw new UntranslatableRequestException(at + ".functionResponse",
							"the functionResponse of '" + name + "' answers no earlier functionCall");
				}
				JsonNode value = response.path("response");
				String text = (value.isObject() && value.size() == 1 && value.path("output").isString())
						? value.path("output").stringValue() : JsonTrees.text(value);
				messages.addObject().put("role", "tool").put("tool_call_id", id).put("content", text);
			}
			else if (JsonTrees.present(part, "text")) {
				if (part.path("thought").asBoolean(false)) {
					notes.dropped("contents.parts.thought");
				}
				else {
					userParts.addObject().put("type", "text").put("text", part.path("text").asString(""));
				}
			}
			else if (part.get("inlineData") instanceof ObjectNode data) {
				userParts.add(inline(data));
			}
			else if (part.has("fileData")) {
				throw new UntranslatableRequestException(at + ".fileData",
						"a file by URI can only be read by Gemini; send it as inlineData");
			}
			else {
				throw new UntranslatableRequestException(at, "a '" + first(part) + "' part cannot be sent to this provider");
			}
		}
		if (!userParts.isEmpty()) {
			ObjectNode user = messages.addObject().put("role", "user");
			if (userParts.size() == 1 && "text".equals(JsonTrees.string(userParts.get(0), "type"))) {
				user.put("content", userParts.get(0).path("text").asString(""));
			}
			else {
				user.set("content", userParts);
			}
		}
	}

	/** An image as an image part, anything else (a PDF, say) as a file part; both as data URLs. */
	private static ObjectNode inline(ObjectNode data) {
		String mime = data.path("mimeType").asString("application/octet-stream");
		String url = "data:" + mime + ";base64," + data.path("data").asString("");
		if (mime.startsWith("image/")) {
			ObjectNode part = JsonTrees.object().put("type", "image_url");
			part.putObject("image_url").put("url", url);
			return part;
		}
		ObjectNode part = JsonTrees.object().put("type", "file");
		part.putObject("file").put("filename", "inline." + mime.substring(mime.indexOf('/') + 1)).put("file_data", url);
		return part;
	}

	private static void model(JsonNode parts, String where, ArrayNode messages, Calls calls, TranslationNotes notes) {
		StringBuilder text = new StringBuilder();
		ArrayNode toolCalls = JsonTrees.array();
		for (int j = 0; j < parts.size(); j++) {
			JsonNode part = parts.get(j);
			if (part.has("thoughtSignature")) {
				notes.dropped("contents.parts.thoughtSignature");
			}
			JsonNode call = part.get("functionCall");
			if (call != null && call.isObject()) {
				String name = call.path("name").asString("");
				ObjectNode toolCall = toolCalls.addObject();
				toolCall.put("id", calls.called(JsonTrees.nonEmpty(call, "id"), name));
				toolCall.put("type", "function");
				JsonNode args = call.get("args");
				toolCall.putObject("function").put("name", name)
					.put("arguments", JsonTrees.text((args != null && args.isObject()) ? args : JsonTrees.object()));
			}
			else if (JsonTrees.present(part, "text")) {
				if (part.path("thought").asBoolean(false)) {
					notes.dropped("contents.parts.thought");
				}
				else {
					text.append(part.path("text").asString(""));
				}
			}
			else if (!part.has("thoughtSignature") || part.size() > 1) {
				throw new UntranslatableRequestException(where + ".parts[" + j + "]",
						"a model '" + first(part) + "' part cannot be sent to this provider");
			}
		}
		ObjectNode assistant = messages.addObject().put("role", "assistant");
		if (text.length() > 0 || toolCalls.isEmpty()) {
			assistant.put("content", text.toString());
		}
		else {
			assistant.putNull("content");
		}
		if (!toolCalls.isEmpty()) {
			assistant.set("tool_calls", toolCalls);
		}
	}

	private static String first(JsonNode part) {
		for (String name : part.propertyNames()) {
			return name;
		}
		return "empty";
	}

	private static String texts(JsonNode parts, String where, TranslationNotes notes) {
		StringBuilder text = new StringBuilder();
		for (JsonNode part : parts) {
			if (JsonTrees.present(part, "text")) {
				text.append((text.length() == 0) ? "" : "\n").append(part.path("text").asString(""));
			}
			else {
				throw new UntranslatableRequestException(where, "only text can be sent in " + where);
			}
		}
		return text.toString();
	}

	private static ArrayNode tools(JsonNode tools, TranslationNotes notes) {
		ArrayNode out = JsonTrees.array();
		for (JsonNode tool : tools) {
			for (String kind : tool.propertyNames()) {
				if (!kind.equals("functionDeclarations")) {
					// Google Search, code execution, URL context: run by Google
					notes.dropped("tools." + kind);
				}
			}
			for (JsonNode declaration : tool.path("functionDeclarations")) {
				ObjectNode wrapped = out.addObject().put("type", "function");
				ObjectNode function = wrapped.putObject("function").put("name", declaration.path("name").asString(""));
				if (JsonTrees.present(declaration, "description")) {
					function.set("description", declaration.get("description"));
				}
				JsonNode schema = JsonTrees.present(declaration, "parametersJsonSchema")
						? declaration.get("parametersJsonSchema") : jsonSchema(declaration.get("parameters"));
				if (schema == null) {
					ObjectNode empty = function.putObject("parameters").put("type", "object");
					empty.putObject("properties");
				}
				else {
					function.set("parameters", schema);
				}
			}
		}
		return out;
	}

	/** An OpenAPI-style Gemini schema as JSON Schema: type names lower-cased, everywhere in it. */
	static @Nullable JsonNode jsonSchema(@Nullable JsonNode schema) {
		if (schema == null || schema.isNull()) {
			return null;
		}
		JsonNode copy = schema.deepCopy();
		lowerTypes(copy);
		return copy;
	}

	private static void lowerTypes(JsonNode node) {
		if (node instanceof ObjectNode object) {
			JsonNode type = object.get("type");
			if (type != null && type.isString()) {
				object.put("type", type.stringValue().toLowerCase(Locale.ROOT));
			}
			object.properties().forEach(entry -> {
				if (!entry.getKey().equals("type")) {
					lowerTypes(entry.getValue());
				}
			});
		}
		else if (node instanceof ArrayNode array) {
			array.forEach(GeminiClientRequests::lowerTypes);
		}
	}

	private static void toolConfig(JsonNode config, ObjectNode chat, TranslationNotes notes) {
		JsonNode calling = config.path("functionCallingConfig");
		String mode = calling.path("mode").asString("AUTO");
		JsonNode allowed = calling.path("allowedFunctionNames");
		switch (mode) {
			case "NONE" -> chat.put("tool_choice", "none");
			case "ANY", "VALIDATED" -> {
				if (allowed.size() == 1) {
					ObjectNode named = chat.putObject("tool_choice").put("type", "function");
					named.putObject("function").put("name", allowed.get(0).asString(""));
				}
				else {
					chat.put("tool_choice", "required");
					if (allowed.size() > 1) {
						notes.dropped("toolConfig.functionCallingConfig.allowedFunctionNames");
					}
				}
			}
			default -> chat.put("tool_choice", "auto");
		}
	}

	private static void generation(JsonNode config, ObjectNode chat, TranslationNotes notes) {
		JsonNode schema = null;
		String mime = null;
		for (Map.Entry<String, JsonNode> entry : config.properties()) {
			JsonNode value = entry.getValue();
			if (value.isNull()) {
				continue;
			}
			switch (entry.getKey()) {
				case "temperature", "seed" -> chat.set(entry.getKey(), value);
				case "topP" -> chat.set("top_p", value);
				case "topK" -> chat.set("top_k", value);
				case "maxOutputTokens" -> chat.set("max_completion_tokens", value);
				case "presencePenalty" -> chat.set("presence_penalty", value);
				case "frequencyPenalty" -> chat.set("frequency_penalty", value);
				case "stopSequences" -> {
					if (!value.isEmpty()) {
						chat.set("stop", value);
					}
				}
				case "candidateCount" -> {
					if (value.asInt(1) != 1) {
						chat.set("n", value);
					}
				}
				case "responseMimeType" -> mime = value.asString("");
				case "responseJsonSchema", "responseSchema" -> schema = value.get("type") != null
						&& entry.getKey().equals("responseSchema") ? jsonSchema(value) : value;
				case "responseModalities" -> {
					for (JsonNode modality : value) {
						if (!"TEXT".equalsIgnoreCase(modality.asString(""))) {
							throw new UntranslatableRequestException("generationConfig.responseModalities",
									"only text answers can come from this provider, not " + modality.asString(""));
						}
					}
				}
				default -> notes.dropped("generationConfig." + entry.getKey());
			}
		}
		if ("application/json".equals(mime)) {
			if (schema != null) {
				ObjectNode format = chat.putObject("response_format").put("type", "json_schema");
				format.putObject("json_schema").put("name", "output").set("schema", schema);
			}
			else {
				chat.putObject("response_format").put("type", "json_object");
			}
		}
		else if (mime != null && !mime.equals("text/plain")) {
			throw new UntranslatableRequestException("generationConfig.responseMimeType",
					"responseMimeType '" + mime + "' cannot be translated");
		}
	}

}
