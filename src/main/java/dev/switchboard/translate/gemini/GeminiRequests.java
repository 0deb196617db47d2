package dev.switchboard.translate.gemini;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.HubObjects;
import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.TranslationNotes;
import dev.switchboard.translate.UntranslatableRequestException;

/**
 * Chat Completions requests as Gemini {@code generateContent} requests. The mapping, parameter by parameter, is the
 * table in the README ("Translation between formats"); what cannot be expressed either throws
 * {@link UntranslatableRequestException} (it would change the answer) or is noted as dropped (it would not).
 * <p>
 * Two things Gemini needs that a chat request does not carry: the function's <em>name</em> in a tool result, taken
 * from the assistant tool call with that id earlier in the conversation; and, for Gemini 3 and later, a thought
 * signature on the first function call of each model turn in the history, which the hub does not keep, so it gets
 * the value Google documents for calls made elsewhere ({@value #SKIP_SIGNATURE}).
 */
final class GeminiRequests {

	/** The thought signature Google documents for function calls whose real signature is not at hand. */
	static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

	/**
	 * Thinking budgets for {@code reasoning_effort}, the ones Gemini's own OpenAI compatibility layer uses
	 * ({@code minimal} as {@code low}).
	 */
	private static final Map<String, Integer> THINKING_BUDGETS = Map.of("none", 0, "minimal", 1024, "low", 1024,
			"medium", 8192, "high", 24576);

	/** Chat parameters that Gemini has no equivalent for and that only tune sampling or bookkeeping. */
	private static final Set<String> DROPPED = Set.of("user", "metadata", "store", "service_tier", "logit_bias",
			"prediction", "verbosity", "prompt_cache_key", "prompt_cache_retention", "safety_identifier");

	/** Chat parameters that would change the answer's shape or content and cannot be expressed. */
	private static final Map<String, String> UNTRANSLATABLE = Map.of("modalities",
			"audio output is not available from Gemini through this gateway", "audio",
			"audio output is not available from Gemini through this gateway", "web_search_options",
			"OpenAI's web search is not available from Gemini", "functions",
			"the legacy 'functions' parameter is not translated; use 'tools'", "function_call",
			"the legacy 'function_call' parameter is not translated; use 'tool_choice'");

	private GeminiRequests() {
	}

	/** A Chat Completions request as a {@code generateContent} request (the model goes in the URL, not here). */
	static ObjectNode fromChat(ObjectNode chat, TranslationNotes notes) {
		ObjectNode request = JsonTrees.object();
		ArrayNode system = JsonTrees.array();
		ArrayNode contents = JsonTrees.array();
		Map<String, String> callNames = new HashMap<>();
		JsonNode input = chat.path("messages");
		for (int i = 0; i < input.size(); i++) {
			message(input.get(i), i, system, contents, callNames);
		}
		if (signaturesNeeded(JsonTrees.string(chat, "model"))) {
			signFirstCalls(contents);
		}
		request.set("contents", contents);
		if (!system.isEmpty()) {
			request.putObject("systemInstruction").set("parts", system);
		}
		ObjectNode generation = JsonTrees.object();
		JsonNode maxTokens = JsonTrees.present(chat, "max_completion_tokens") ? chat.get("max_completion_tokens")
				: chat.get("max_tokens");
		if (maxTokens != null && !maxTokens.isNull()) {
			generation.set("maxOutputTokens", maxTokens);
		}
		JsonNode toolChoice = null;
		for (Map.Entry<String, JsonNode> field : chat.properties()) {
			String name = field.getKey();
			JsonNode value = field.getValue();
			if (value.isNull()) {
				continue;
			}
			switch (name) {
				case "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens" -> {
					// the model and streaming are in the URL; the limit is handled above
				}
				case "temperature", "seed" -> generation.set(name, value);
				case "top_p" -> generation.set("topP", value);
				case "top_k" -> generation.set("topK", value);
				case "presence_penalty" -> generation.set("presencePenalty", value);
				case "frequency_penalty" -> generation.set("frequencyPenalty", value);
				case "stop" -> {
					ArrayNode stops = JsonTrees.array();
					if (value.isString()) {
						stops.add(value.stringValue());
					}
					else {
						value.forEach(stops::add);
					}
					if (!stops.isEmpty()) {
						generation.set("stopSequences", stops);
					}
				}
				case "response_format" -> responseFormat(value, generation);
				case "reasoning_effort" -> thinking(value, generation);
				case "thinking" -> anthropicThinking(value, generation, notes);
				case "tools" -> {
					ArrayNode declarations = declarations(value, notes);
					if (!declarations.isEmpty()) {
						request.putArray("tools").addObject().set("functionDeclarations", declarations);
					}
				}
				case "tool_choice" -> toolChoice = value;
				case "parallel_tool_calls" -> {
					if (!value.asBoolean(true)) {
						notes.dropped("parallel_tool_calls");
					}
				}
				case "n" -> {
					if (value.asInt(1) != 1) {
						throw new UntranslatableRequestException("n", "this gateway takes one choice from Gemini (n must be 1)");
					}
				}
				case "logprobs" -> {
					if (value.asBoolean(false)) {
						throw new UntranslatableRequestException("logprobs",
								"log probabilities from Gemini are not translated");
					}
				}
				case "top_logprobs" -> {
					if (value.asInt(0) > 0) {
						throw new UntranslatableRequestException("top_logprobs",
								"log probabilities from Gemini are not translated");
					}
				}
				default -> {
					String why = UNTRANSLATABLE.get(name);
					if (why != null) {
						throw new UntranslatableRequestException(name, why);
					}
					notes.dropped(name);
				}
			}
		}
		if (toolChoice != null && request.has("tools")) {
			request.putObject("toolConfig").set("functionCallingConfig", toolChoice(toolChoice));
		}
		if (!generation.isEmpty()) {
			request.set("generationConfig", generation);
		}
		return request;
	}

	private static void message(JsonNode message, int index, ArrayNode system, ArrayNode contents,
			Map<String, String> callNames) {
		String role = JsonTrees.string(message, "role");
		String where = "messages[" + index + "]";
		switch ((role != null) ? role : "") {
			case "system", "developer" -> {
				String text = HubObjects.text(message.get("content"), where, "Gemini");
				if (!text.isEmpty()) {
					system.addObject().put("text", text);
				}
			}
			case "user" -> append(contents, "user", userParts(message.get("content"), where));
			case "assistant" -> append(contents, "model", modelParts(message, where, callNames));
			case "tool" -> {
				String id = message.path("tool_call_id").asString("");
				String name = callNames.get(id);
				if (name == null) {
					throw new UntranslatableRequestException(where + ".tool_call_id", "the tool result '" + id
							+ "' answers no earlier assistant tool call, and Gemini needs the function's name");
				}
				ArrayNode parts = JsonTrees.array();
				ObjectNode response = parts.addObject().putObject("functionResponse").put("name", name);
				response.set("response", toolResponse(HubObjects.text(message.get("content"), where, "Gemini")));
				append(contents, "user", parts);
			}
			default -> throw new UntranslatableRequestException(where + ".role",
					"a '" + role + "' message cannot be sent to Gemini");
		}
	}

	/** Adds {@code parts} as a turn of {@code role}, merged into the previous turn when it has the same role. */
	private static void append(ArrayNode contents, String role, ArrayNode parts) {
		if (parts.isEmpty()) {
			return;
		}
		JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
		if (last != null && role.equals(JsonTrees.string(last, "role"))) {
			((ArrayNode) last.get("parts")).addAll(parts);
			return;
		}
		ObjectNode content = contents.addObject().put("role", role);
		content.set("parts", parts);
	}

	/**
	 * A tool's output as Gemini's {@code functionResponse.response}, which must be an object: a JSON object as it is
	 * (Gemini reads it whole as the output), anything else under {@code output}, the key Gemini names for it.
	 */
	private static ObjectNode toolResponse(String output) {
		ObjectNode parsed = output.startsWith("{") ? JsonTrees.parseObject(output) : null;
		return (parsed != null) ? parsed : JsonTrees.object().put("output", output);
	}

	private static ArrayNode userParts(@Nullable JsonNode content, String where) {
		ArrayNode parts = JsonTrees.array();
		if (content == null || content.isNull()) {
			return parts;
		}
		if (content.isString()) {
			if (!content.stringValue().isEmpty()) {
				parts.addObject().put("text", content.stringValue());
			}
			return parts;
		}
		for (int j = 0; j < content.size(); j++) {
			JsonNode part = content.get(j);
			String at = where + ".content[" + j + "]";
			switch (String.valueOf(JsonTrees.string(part, "type"))) {
				case "text" -> {
					String text = part.path("text").asString("");
					if (!text.isEmpty()) {
						parts.addObject().put("text", text);
					}
				}
				case "image_url" -> parts.add(image(part.path("image_url").path("url").asString(""), at));
				case "input_audio" -> {
					String format = part.path("input_audio").path("format").asString("wav");
					ObjectNode inline = parts.addObject().putObject("inlineData");
					inline.put("mimeType", "audio/" + format);
					inline.put("data", part.path("input_audio").path("data").asString(""));
				}
				case "file" -> {
					String data = part.path("file").path("file_data").asString("");
					if (!data.startsWith("data:")) {
						throw new UntranslatableRequestException(at,
								"a file part must carry its data ('file_data') to be sent to Gemini; file ids are OpenAI's");
					}
					parts.add(dataUrl(data, at));
				}
				default -> throw new UntranslatableRequestException(at,
						"a '" + JsonTrees.string(part, "type") + "' content part cannot be sent to Gemini");
			}
		}
		return parts;
	}

	/**
	 * An image URL as a part: a {@code data:} URL inline, a Gemini Files API URI as file data. Gemini does not fetch
	 * other URLs, so they cannot be sent.
	 */
	private static ObjectNode image(String url, String where) {
		if (url.startsWith("data:")) {
			return dataUrl(url, where);
		}
		if (url.startsWith("https://generativelanguage.googleapis.com/")) {
			ObjectNode part = JsonTrees.object();
			part.putObject("fileData").put("fileUri", url);
			return part;
		}
		throw new UntranslatableRequestException(where, "Gemini does not fetch images by URL; send the image inline "
				+ "as a base64 data: URL, or upload it with Gemini's Files API and send that URI");
	}

	/** {@code data:<type>;base64,<data>} as {@code inlineData}. */
	private static ObjectNode dataUrl(String url, String where) {
		int comma = url.indexOf(',');
		String meta = (comma > 0) ? url.substring(5, comma) : "";
		if (comma < 0 || !meta.endsWith(";base64")) {
			throw new UntranslatableRequestException(where, "a data URL must be base64-encoded to be sent to Gemini");
		}
		ObjectNode part = JsonTrees.object();
		ObjectNode inline = part.putObject("inlineData");
		inline.put("mimeType", meta.substring(0, meta.length() - 7));
		inline.put("data", url.substring(comma + 1));
		return part;
	}

	/** Text first, then function calls; reasoning in the history is not sent (see the hub conventions). */
	private static ArrayNode modelParts(JsonNode message, String where, Map<String, String> callNames) {
		ArrayNode parts = JsonTrees.array();
		JsonNode content = message.get("content");
		if (content != null && content.isString()) {
			if (!content.stringValue().isEmpty()) {
				parts.addObject().put("text", content.stringValue());
			}
		}
		else if (content != null && content.isArray()) {
			for (JsonNode part : content) {
				String text = JsonTrees.nonEmpty(part, "text");
				String refusal = JsonTrees.nonEmpty(part, "refusal");
				if (text != null || refusal != null) {
					parts.addObject().put("text", (text != null) ? text : refusal);
				}
			}
		}
		JsonNode calls = message.get("tool_calls");
		if (calls != null && calls.isArray()) {
			for (int k = 0; k < calls.size(); k++) {
				JsonNode call = calls.get(k);
				String name = call.path("function").path("name").asString("");
				String arguments = call.path("function").path("arguments").asString("");
				JsonNode args = arguments.isBlank() ? JsonTrees.object() : JsonTrees.parse(arguments);
				if (!(args instanceof ObjectNode)) {
					throw new UntranslatableRequestException(where + ".tool_calls[" + k + "].function.arguments",
							"tool call arguments must be a JSON object to be sent to Gemini");
				}
				callNames.put(call.path("id").asString(""), name);
				ObjectNode functionCall = parts.addObject().putObject("functionCall").put("name", name);
				functionCall.set("args", args);
			}
		}
		return parts;
	}

	/**
	 * Whether {@code model} validates thought signatures on replayed function calls: Gemini 3 and later do, the 1.x
	 * and 2.x families do not (and are not sent a placeholder signature they never asked for).
	 */
	static boolean signaturesNeeded(@Nullable String model) {
		String name = (model == null) ? "" : model.startsWith("models/") ? model.substring(7) : model;
		return !(name.startsWith("gemini-1.") || name.startsWith("gemini-2.") || name.startsWith("gemma-"));
	}

	/** Puts the placeholder signature on the first function call part of each model turn. */
	private static void signFirstCalls(ArrayNode contents) {
		for (JsonNode content : contents) {
			if (!"model".equals(JsonTrees.string(content, "role"))) {
				continue;
			}
			for (JsonNode part : content.path("parts")) {
				if (part.has("functionCall")) {
					((ObjectNode) part).put("thoughtSignature", SKIP_SIGNATURE);
					break;
				}
			}
		}
	}

	private static ArrayNode declarations(JsonNode tools, TranslationNotes notes) {
		ArrayNode out = JsonTrees.array();
		for (int i = 0; i < tools.size(); i++) {
			JsonNode tool = tools.get(i);
			if (!"function".equals(JsonTrees.string(tool, "type"))) {
				throw new UntranslatableRequestException("tools[" + i + "]", "only function tools can be sent to Gemini");
			}
			JsonNode function = tool.path("function");
			ObjectNode declaration = out.addObject().put("name", function.path("name").asString(""));
			if (JsonTrees.present(function, "description")) {
				declaration.set("description", function.get("description"));
			}
			if (JsonTrees.present(function, "parameters")) {
				// JSON Schema as the client wrote it; Gemini's own "parameters" takes only an OpenAPI subset
				declaration.set("parametersJsonSchema", function.get("parameters"));
			}
			if (function.has("strict")) {
				notes.dropped("tools.function.strict");
			}
		}
		return out;
	}

	/** {@code tool_choice} as Gemini's {@code functionCallingConfig}. */
	private static ObjectNode toolChoice(JsonNode choice) {
		ObjectNode config = JsonTrees.object();
		if (choice.isString()) {
			switch (choice.stringValue()) {
				case "required" -> config.put("mode", "ANY");
				case "none" -> config.put("mode", "NONE");
				case "auto" -> config.put("mode", "AUTO");
				default -> throw new UntranslatableRequestException("tool_choice",
						"tool_choice '" + choice.stringValue() + "' is not known");
			}
			return config;
		}
		String name = JsonTrees.nonEmpty(choice.path("function"), "name");
		if (!"function".equals(JsonTrees.string(choice, "type")) || name == null) {
			throw new UntranslatableRequestException("tool_choice",
					"only 'auto', 'none', 'required' or a named function can be sent to Gemini as tool_choice");
		}
		config.put("mode", "ANY");
		config.putArray("allowedFunctionNames").add(name);
		return config;
	}

	/**
	 * {@code json_schema} as JSON output with {@code responseJsonSchema} (Gemini's field for a JSON Schema);
	 * {@code json_object} as JSON output without a schema; {@code text} is the default.
	 */
	private static void responseFormat(JsonNode format, ObjectNode generation) {
		String type = JsonTrees.string(format, "type");
		switch ((type != null) ? type : "") {
			case "text" -> {
				// the default
			}
			case "json_object" -> generation.put("responseMimeType", "application/json");
			case "json_schema" -> {
				generation.put("responseMimeType", "application/json");
				JsonNode schema = format.path("json_schema").get("schema");
				if (schema != null && !schema.isNull()) {
					generation.set("responseJsonSchema", schema);
				}
			}
			default -> throw new UntranslatableRequestException("response_format",
					"response_format '" + type + "' has no Gemini equivalent");
		}
	}

	/**
	 * An Anthropic client's {@code thinking}: {@code enabled} with its {@code budget_tokens} as Gemini's thinking
	 * budget, {@code adaptive} as Gemini's dynamic budget ({@code -1}: the model decides); thoughts are asked for
	 * either way, as Anthropic's thinking blocks would show them. {@code reasoning_effort}, when the request has
	 * both, wins.
	 */
	private static void anthropicThinking(JsonNode thinking, ObjectNode generation, TranslationNotes notes) {
		if (generation.has("thinkingConfig")) {
			return;
		}
		String type = JsonTrees.string(thinking, "type");
		if ("enabled".equals(type) && thinking.path("budget_tokens").isNumber()) {
			generation.putObject("thinkingConfig").put("thinkingBudget", thinking.path("budget_tokens").asInt())
				.put("includeThoughts", true);
		}
		else if ("adaptive".equals(type)) {
			generation.putObject("thinkingConfig").put("thinkingBudget", -1).put("includeThoughts", true);
		}
		else if (!"disabled".equals(type)) {
			notes.dropped("thinking");
		}
	}

	/**
	 * {@code reasoning_effort} as a thinking budget; thoughts are asked for (as summaries, Gemini's
	 * {@code includeThoughts}) unless thinking is off, and come back as {@code reasoning_content}.
	 */
	private static void thinking(JsonNode effort, ObjectNode generation) {
		Integer budget = THINKING_BUDGETS.get(effort.asString(""));
		if (budget == null) {
			throw new UntranslatableRequestException("reasoning_effort",
					"reasoning_effort '" + effort.asString("") + "' has no Gemini thinking budget");
		}
		ObjectNode config = generation.putObject("thinkingConfig").put("thinkingBudget", budget);
		if (budget > 0) {
			config.put("includeThoughts", true);
		}
	}

}
