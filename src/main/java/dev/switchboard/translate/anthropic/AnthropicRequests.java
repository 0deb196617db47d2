package dev.switchboard.translate.anthropic;

import java.util.ArrayList;
import java.util.List;
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
 * Messages API requests to and from Chat Completions requests. The mapping, parameter by parameter, is the table in
 * the README ("Translation between formats"); what cannot be expressed either throws
 * {@link UntranslatableRequestException} (it would change the answer) or is noted as dropped (it would not).
 */
final class AnthropicRequests {

	/**
	 * {@code max_tokens} sent to Anthropic, which requires it, when the OpenAI request sets no limit. 4096 is the
	 * largest output every Claude model accepts, the oldest included.
	 */
	static final int DEFAULT_MAX_TOKENS = 4096;

	/** Chat parameters that Anthropic has no equivalent for and that only tune sampling or bookkeeping. */
	private static final Set<String> DROPPED_FROM_CHAT = Set.of("seed", "frequency_penalty", "presence_penalty",
			"logit_bias", "store", "metadata", "service_tier", "prediction", "verbosity",
			"prompt_cache_key", "prompt_cache_retention", "safety_identifier");

	/** Chat parameters that would change the answer's shape or content and cannot be expressed. */
	private static final Map<String, String> UNTRANSLATABLE_FROM_CHAT = Map.of("modalities",
			"audio output is not available from Anthropic", "audio", "audio output is not available from Anthropic",
			"web_search_options", "OpenAI's web search is not available from Anthropic", "functions",
			"the legacy 'functions' parameter is not translated; use 'tools'", "function_call",
			"the legacy 'function_call' parameter is not translated; use 'tool_choice'");

	private AnthropicRequests() {
	}

	// ------------------------------------------------------------------ Anthropic -> Chat Completions

	/** A Messages API request as a Chat Completions request. */
	static ObjectNode toChat(ObjectNode request, TranslationNotes notes) {
		ObjectNode chat = JsonTrees.object();
		ArrayNode messages = JsonTrees.array();
		for (Map.Entry<String, JsonNode> field : request.properties()) {
			String name = field.getKey();
			JsonNode value = field.getValue();
			switch (name) {
				case "model" -> chat.set("model", value);
				case "max_tokens" -> chat.set("max_completion_tokens", value);
				case "stream" -> chat.set("stream", value);
				case "temperature", "top_p", "top_k" -> chat.set(name, value);
				case "stop_sequences" -> {
					if (value.isArray() && !value.isEmpty()) {
						chat.set("stop", value);
					}
				}
				case "system", "messages" -> {
					// built below, in order: system first
				}
				case "tools" -> {
					ArrayNode tools = toolsToChat(value, notes);
					if (!tools.isEmpty()) {
						chat.set("tools", tools);
					}
				}
				case "tool_choice" -> toolChoiceToChat(value, chat);
				case "metadata" -> {
					String user = JsonTrees.string(value, "user_id");
					if (user != null) {
						chat.put("user", endUser(user));
					}
				}
				case "thinking" -> {
					// carried in the hub for the providers that have a thinking setting (Gemini); the others drop it
					if (!"disabled".equals(JsonTrees.string(value, "type"))) {
						chat.set("thinking", value);
					}
				}
				case "output_config" -> outputConfigToChat(value, chat, notes, "output_config");
				case "output_format" -> responseFormatToChat(value, chat, "output_format");
				case "mcp_servers", "container" -> throw new UntranslatableRequestException(name,
						"'" + name + "' runs on Anthropic's servers and cannot be sent to this provider");
				default -> notes.dropped(name);
			}
		}
		JsonNode system = request.get("system");
		if (system != null && !system.isNull()) {
			String text = systemText(system, notes);
			if (!text.isEmpty()) {
				messages.addObject().put("role", "system").put("content", text);
			}
		}
		JsonNode input = request.path("messages");
		for (int i = 0; i < input.size(); i++) {
			messageToChat(input.get(i), i, messages, notes);
		}
		chat.set("messages", messages);
		if (!chat.has("tools")) {
			// every tool was one only Anthropic runs: no tool choice either
			chat.remove("tool_choice");
			chat.remove("parallel_tool_calls");
		}
		reorder(chat);
		return chat;
	}

	/** Longest end-user id OpenAI accepts in {@code user}. */
	private static final int MAX_USER_LENGTH = 64;

	/**
	 * {@code metadata.user_id} as an end-user id: as it is when it fits OpenAI's 64 characters, else (Claude Code
	 * sends a JSON object of device, account and session ids) its SHA-256, in hex, cut to 32 characters: the same
	 * caller keeps the same id, and nothing of the original is sent.
	 */
	static String endUser(String userId) {
		if (userId.length() <= MAX_USER_LENGTH) {
			return userId;
		}
		try {
			byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
				.digest(userId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return java.util.HexFormat.of().formatHex(digest, 0, 16);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

	/** Puts {@code model} and {@code messages} first, as clients write them (easier to read in logs and fixtures). */
	private static void reorder(ObjectNode chat) {
		ObjectNode copy = chat.deepCopy();
		chat.removeAll();
		if (copy.has("model")) {
			chat.set("model", copy.get("model"));
		}
		chat.set("messages", copy.get("messages"));
		copy.properties().forEach(entry -> {
			if (!chat.has(entry.getKey())) {
				chat.set(entry.getKey(), entry.getValue());
			}
		});
	}

	private static String systemText(JsonNode system, TranslationNotes notes) {
		if (system.isString()) {
			return system.stringValue();
		}
		List<String> parts = new ArrayList<>();
		for (JsonNode block : system) {
			if (block.has("cache_control")) {
				notes.dropped("system.cache_control");
			}
			if (block.isObject() && JsonTrees.present(block, "citations")) {
				notes.dropped("system.citations");
			}
			String text = JsonTrees.string(block, "text");
			if (text != null) {
				parts.add(text);
			}
		}
		return String.join("\n\n", parts);
	}

	private static void messageToChat(JsonNode message, int index, ArrayNode out, TranslationNotes notes) {
		String role = JsonTrees.string(message, "role");
		JsonNode content = message.get("content");
		if ("system".equals(role)) {
			// mid-conversation instructions (Claude Code's mid-conversation-system beta): kept at their place
			String text = (content == null) ? "" : systemText(content, notes);
			if (!text.isEmpty()) {
				out.addObject().put("role", "system").put("content", text);
			}
			return;
		}
		if (!"user".equals(role) && !"assistant".equals(role)) {
			throw new UntranslatableRequestException("messages[" + index + "].role",
					"messages[" + index + "].role must be 'user' or 'assistant'");
		}
		if (content == null || content.isString()) {
			out.addObject().put("role", role).put("content", (content != null) ? content.stringValue() : "");
			return;
		}
		if ("assistant".equals(role)) {
			assistantToChat(content, index, out, notes);
		}
		else {
			userToChat(content, index, out, notes);
		}
	}

	/**
	 * A user turn: its tool results become {@code tool} messages (first, as OpenAI wants them right after the
	 * assistant's tool calls), the rest one user message. Images inside tool results, which a {@code tool} message
	 * cannot hold, move to that user message.
	 */
	private static void userToChat(JsonNode content, int index, ArrayNode out, TranslationNotes notes) {
		ArrayNode parts = JsonTrees.array();
		for (int j = 0; j < content.size(); j++) {
			JsonNode block = content.get(j);
			String where = "messages[" + index + "].content[" + j + "]";
			String type = JsonTrees.string(block, "type");
			if (block.has("cache_control")) {
				notes.dropped("messages.content.cache_control");
			}
			if ("tool_result".equals(type)) {
				ObjectNode tool = out.addObject();
				tool.put("role", "tool");
				tool.put("tool_call_id", block.path("tool_use_id").asString(""));
				tool.put("content", toolResultText(block.get("content"), where, parts, notes));
				if (block.path("is_error").asBoolean(false)) {
					notes.dropped("messages.content.is_error");
				}
			}
			else {
				parts.add(partToChat(block, where));
			}
		}
		if (!parts.isEmpty()) {
			ObjectNode user = out.addObject().put("role", "user");
			if (parts.size() == 1 && "text".equals(JsonTrees.string(parts.get(0), "type"))) {
				user.put("content", parts.get(0).path("text").asString(""));
			}
			else {
				user.set("content", parts);
			}
		}
	}

	/** A tool result's text; its images are added to {@code images} for the user message that follows. */
	private static String toolResultText(@Nullable JsonNode content, String where, ArrayNode images,
			TranslationNotes notes) {
		if (content == null || content.isNull()) {
			return "";
		}
		if (content.isString()) {
			return content.stringValue();
		}
		StringBuilder text = new StringBuilder();
		for (int k = 0; k < content.size(); k++) {
			JsonNode block = content.get(k);
			String type = JsonTrees.string(block, "type");
			if ("text".equals(type)) {
				text.append((text.length() == 0) ? "" : "\n").append(block.path("text").asString(""));
			}
			else if ("image".equals(type)) {
				images.add(partToChat(block, where + ".content[" + k + "]"));
			}
			else {
				throw new UntranslatableRequestException(where + ".content[" + k + "]",
						"a tool result holding a '" + type + "' block cannot be sent to this provider");
			}
			if (block.has("cache_control")) {
				notes.dropped("messages.content.cache_control");
			}
		}
		return text.toString();
	}

	/** A text or image block as a chat content part. */
	private static ObjectNode partToChat(JsonNode block, String where) {
		String type = JsonTrees.string(block, "type");
		if ("text".equals(type)) {
			return JsonTrees.object().put("type", "text").put("text", block.path("text").asString(""));
		}
		if ("image".equals(type)) {
			JsonNode source = block.path("source");
			String sourceType = JsonTrees.string(source, "type");
			String url;
			if ("base64".equals(sourceType)) {
				url = "data:" + source.path("media_type").asString("") + ";base64," + source.path("data").asString("");
			}
			else if ("url".equals(sourceType)) {
				url = source.path("url").asString("");
			}
			else {
				throw new UntranslatableRequestException(where + ".source",
						"an image source of type '" + sourceType + "' cannot be sent to this provider");
			}
			ObjectNode part = JsonTrees.object().put("type", "image_url");
			part.putObject("image_url").put("url", url);
			return part;
		}
		if ("document".equals(type)) {
			return documentToChat(block, where);
		}
		throw new UntranslatableRequestException(where,
				"a '" + type + "' content block cannot be sent to this provider");
	}

	/**
	 * A document block: a base64 PDF as a chat {@code file} part (a data URL, as OpenAI takes files inline), plain
	 * text or a content list as text, introduced by its title. A document by URL or by file id would have to be
	 * fetched from where only Anthropic can: refused.
	 */
	private static ObjectNode documentToChat(JsonNode block, String where) {
		JsonNode source = block.path("source");
		String sourceType = JsonTrees.string(source, "type");
		String title = JsonTrees.nonEmpty(block, "title");
		switch ((sourceType != null) ? sourceType : "") {
			case "base64" -> {
				ObjectNode part = JsonTrees.object().put("type", "file");
				ObjectNode file = part.putObject("file");
				file.put("filename", (title != null) ? title : "document.pdf");
				file.put("file_data", "data:" + source.path("media_type").asString("application/pdf") + ";base64,"
						+ source.path("data").asString(""));
				return part;
			}
			case "text" -> {
				String text = source.path("data").asString("");
				return JsonTrees.object().put("type", "text").put("text", (title != null) ? title + "\n\n" + text : text);
			}
			case "content" -> {
				StringBuilder text = new StringBuilder((title != null) ? title : "");
				for (JsonNode inner : source.path("content")) {
					if ("text".equals(JsonTrees.string(inner, "type"))) {
						text.append((text.length() == 0) ? "" : "\n\n").append(inner.path("text").asString(""));
					}
				}
				return JsonTrees.object().put("type", "text").put("text", text.toString());
			}
			default -> throw new UntranslatableRequestException(where + ".source",
					"a document source of type '" + sourceType + "' can only be read by Anthropic; send it as base64 or text");
		}
	}

	/** An assistant turn: text joined, tool uses as tool calls, thinking left out (reasoning is not carried). */
	private static void assistantToChat(JsonNode content, int index, ArrayNode out, TranslationNotes notes) {
		StringBuilder text = new StringBuilder();
		ArrayNode calls = JsonTrees.array();
		for (int j = 0; j < content.size(); j++) {
			JsonNode block = content.get(j);
			String type = JsonTrees.string(block, "type");
			if (block.has("cache_control")) {
				notes.dropped("messages.content.cache_control");
			}
			switch ((type != null) ? type : "") {
				case "text" -> text.append(block.path("text").asString(""));
				case "tool_use" -> {
					ObjectNode call = calls.addObject();
					call.put("id", block.path("id").asString(""));
					call.put("type", "function");
					ObjectNode function = call.putObject("function");
					function.put("name", block.path("name").asString(""));
					JsonNode input = block.get("input");
					function.put("arguments", (input != null && !input.isNull()) ? JsonTrees.text(input) : "{}");
				}
				case "thinking", "redacted_thinking" -> {
					// earlier turns' reasoning, signed for Anthropic, is not sent to other providers (hub conventions)
					notes.dropped("messages.content." + type);
				}
				default -> throw new UntranslatableRequestException("messages[" + index + "].content[" + j + "]",
						"an assistant '" + type + "' block cannot be sent to this provider");
			}
		}
		ObjectNode assistant = out.addObject().put("role", "assistant");
		if (text.length() > 0 || calls.isEmpty()) {
			assistant.put("content", text.toString());
		}
		else {
			assistant.putNull("content");
		}
		if (!calls.isEmpty()) {
			assistant.set("tool_calls", calls);
		}
	}

	private static ArrayNode toolsToChat(JsonNode tools, TranslationNotes notes) {
		ArrayNode out = JsonTrees.array();
		for (int i = 0; i < tools.size(); i++) {
			JsonNode tool = tools.get(i);
			String type = JsonTrees.string(tool, "type");
			if (type != null && !type.equals("custom")) {
				// a server tool (web search, code execution) or an Anthropic-defined one (bash, text editor) has no
				// schema another provider could use: the model answers without it
				notes.dropped("tools." + type);
				continue;
			}
			if (tool.has("cache_control")) {
				notes.dropped("tools.cache_control");
			}
			ObjectNode function = JsonTrees.object();
			function.put("name", tool.path("name").asString(""));
			if (JsonTrees.present(tool, "description")) {
				function.set("description", tool.get("description"));
			}
			function.set("parameters",
					JsonTrees.present(tool, "input_schema") ? tool.get("input_schema") : emptySchema());
			ObjectNode wrapped = out.addObject().put("type", "function");
			wrapped.set("function", function);
		}
		return out;
	}

	private static void toolChoiceToChat(JsonNode choice, ObjectNode chat) {
		String type = JsonTrees.string(choice, "type");
		switch ((type != null) ? type : "auto") {
			case "any" -> chat.put("tool_choice", "required");
			case "none" -> chat.put("tool_choice", "none");
			case "tool" -> {
				ObjectNode named = chat.putObject("tool_choice").put("type", "function");
				named.putObject("function").put("name", choice.path("name").asString(""));
			}
			default -> chat.put("tool_choice", "auto");
		}
		if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
			chat.put("parallel_tool_calls", false);
		}
	}

	private static void outputConfigToChat(JsonNode config, ObjectNode chat, TranslationNotes notes, String where) {
		for (Map.Entry<String, JsonNode> entry : config.properties()) {
			if (entry.getKey().equals("format")) {
				responseFormatToChat(entry.getValue(), chat, where + ".format");
			}
			else {
				notes.dropped(where + "." + entry.getKey());
			}
		}
	}

	/** {@code {"type":"json_schema","schema":...}} as {@code response_format}. */
	private static void responseFormatToChat(JsonNode format, ObjectNode chat, String where) {
		String type = JsonTrees.string(format, "type");
		if (!"json_schema".equals(type)) {
			throw new UntranslatableRequestException(where, where + " of type '" + type + "' cannot be translated");
		}
		ObjectNode responseFormat = chat.putObject("response_format").put("type", "json_schema");
		ObjectNode schema = responseFormat.putObject("json_schema").put("name", "output").put("strict", true);
		schema.set("schema", format.path("schema"));
	}

	// ------------------------------------------------------------------ Chat Completions -> Anthropic

	/** A Chat Completions request as a Messages API request. */
	static ObjectNode fromChat(ObjectNode chat, TranslationNotes notes) {
		ObjectNode request = JsonTrees.object();
		request.set("model", chat.get("model"));
		JsonNode maxTokens = JsonTrees.present(chat, "max_completion_tokens") ? chat.get("max_completion_tokens")
				: chat.get("max_tokens");
		List<String> system = new ArrayList<>();
		ArrayNode messages = JsonTrees.array();
		JsonNode input = chat.path("messages");
		for (int i = 0; i < input.size(); i++) {
			messageFromChat(input.get(i), i, system, messages);
		}
		if (system.size() == 1) {
			request.put("system", system.get(0));
		}
		else if (system.size() > 1) {
			ArrayNode blocks = request.putArray("system");
			system.forEach(text -> blocks.addObject().put("type", "text").put("text", text));
		}
		request.set("messages", messages);
		if (maxTokens != null && !maxTokens.isNull()) {
			request.set("max_tokens", maxTokens);
		}
		else {
			request.put("max_tokens", DEFAULT_MAX_TOKENS);
		}
		boolean parallelOff = false;
		String effort = null;
		for (Map.Entry<String, JsonNode> field : chat.properties()) {
			String name = field.getKey();
			JsonNode value = field.getValue();
			if (value.isNull() && !name.equals("model")) {
				continue;
			}
			switch (name) {
				case "model", "messages", "max_tokens", "max_completion_tokens", "stream_options" -> {
					// handled above, or consumed by the stream translation
				}
				case "stream", "temperature", "top_p", "top_k", "thinking" -> request.set(name, value);
				case "stop" -> {
					ArrayNode stops = request.putArray("stop_sequences");
					if (value.isString()) {
						stops.add(value.stringValue());
					}
					else {
						value.forEach(stops::add);
					}
				}
				case "tools" -> request.set("tools", toolsFromChat(value, notes));
				case "tool_choice" -> request.set("tool_choice", toolChoiceFromChat(value));
				case "parallel_tool_calls" -> parallelOff = !value.asBoolean(true);
				case "reasoning_effort" -> effort = value.asString("");
				case "user" -> request.putObject("metadata").put("user_id", value.asString(""));
				case "response_format" -> responseFormatFromChat(value, request);
				case "n" -> {
					if (value.asInt(1) != 1) {
						throw new UntranslatableRequestException("n", "Anthropic answers with one choice only (n must be 1)");
					}
				}
				case "logprobs" -> {
					if (value.asBoolean(false)) {
						throw new UntranslatableRequestException("logprobs", "Anthropic does not return log probabilities");
					}
				}
				case "top_logprobs" -> {
					if (value.asInt(0) > 0) {
						throw new UntranslatableRequestException("top_logprobs", "Anthropic does not return log probabilities");
					}
				}
				default -> {
					String why = UNTRANSLATABLE_FROM_CHAT.get(name);
					if (why != null) {
						throw new UntranslatableRequestException(name, why);
					}
					notes.dropped(name);
				}
			}
		}
		if (effort != null) {
			thinkingFromEffort(effort, request, !JsonTrees.present(chat, "max_completion_tokens")
					&& !JsonTrees.present(chat, "max_tokens"), notes);
		}
		if (parallelOff && request.has("tools")) {
			ObjectNode choice = (request.get("tool_choice") instanceof ObjectNode existing) ? existing
					: request.putObject("tool_choice").put("type", "auto");
			if (!"none".equals(JsonTrees.string(choice, "type"))) {
				choice.put("disable_parallel_tool_use", true);
			}
		}
		return request;
	}

	/** Thinking budgets for {@code reasoning_effort}: the scale the Gemini translation uses too. */
	private static final Map<String, Integer> THINKING_BUDGETS = Map.of("minimal", 1024, "low", 1024, "medium", 8192,
			"high", 24576, "xhigh", 32000);

	/** Anthropic's smallest thinking budget, and what is kept for the answer itself. */
	private static final int MIN_BUDGET = 1024;

	/**
	 * {@code reasoning_effort} (a Responses client's {@code reasoning.effort}, or a chat client's) as extended
	 * thinking with a budget, where Anthropic takes thinking with the rest of the request: not beside a temperature
	 * other than 1, {@code top_k}, a {@code top_p} under 0.95 or a forced tool choice, and not when the output limit
	 * leaves no room for an answer after the budget. An output limit the gateway chose (the client set none) grows by
	 * the budget. An explicit {@code thinking} wins; {@code none} asks for none.
	 */
	private static void thinkingFromEffort(String effort, ObjectNode request, boolean defaultLimit,
			TranslationNotes notes) {
		if (request.has("thinking") || "none".equals(effort)) {
			return;
		}
		Integer budget = THINKING_BUDGETS.get(effort);
		JsonNode temperature = request.get("temperature");
		String choice = JsonTrees.string(request.path("tool_choice"), "type");
		boolean compatible = budget != null && (temperature == null || temperature.asDouble() == 1.0)
				&& !request.has("top_k") && request.path("top_p").asDouble(1.0) >= 0.95
				&& !"any".equals(choice) && !"tool".equals(choice);
		if (!compatible) {
			notes.dropped("reasoning_effort");
			return;
		}
		int limit = request.path("max_tokens").asInt(DEFAULT_MAX_TOKENS);
		if (defaultLimit) {
			request.put("max_tokens", limit + budget);
		}
		else if (limit - MIN_BUDGET < budget) {
			budget = limit - MIN_BUDGET;
			if (budget < MIN_BUDGET) {
				notes.dropped("reasoning_effort");
				return;
			}
		}
		request.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
	}

	private static void messageFromChat(JsonNode message, int index, List<String> system, ArrayNode out) {
		String role = JsonTrees.string(message, "role");
		String where = "messages[" + index + "]";
		switch ((role != null) ? role : "") {
			case "system", "developer" -> {
				String text = HubObjects.text(message.get("content"), where, "Anthropic");
				if (!text.isEmpty()) {
					system.add(text);
				}
			}
			case "user" -> append(out, "user", userFromChat(message.get("content"), where));
			case "assistant" -> append(out, "assistant", assistantFromChat(message, where));
			case "tool" -> {
				ArrayNode blocks = JsonTrees.array();
				ObjectNode result = blocks.addObject().put("type", "tool_result");
				result.put("tool_use_id", toolId(message.path("tool_call_id").asString("")));
				result.put("content", HubObjects.text(message.get("content"), where, "Anthropic"));
				append(out, "user", blocks);
			}
			default -> throw new UntranslatableRequestException(where + ".role",
					"a '" + role + "' message cannot be sent to Anthropic");
		}
	}

	/** Adds {@code blocks} as a turn of {@code role}, merged into the previous turn when it has the same role. */
	private static void append(ArrayNode out, String role, ArrayNode blocks) {
		if (blocks.isEmpty()) {
			return;
		}
		JsonNode last = out.isEmpty() ? null : out.get(out.size() - 1);
		if (last != null && role.equals(JsonTrees.string(last, "role"))) {
			((ArrayNode) last.get("content")).addAll(blocks);
			return;
		}
		ObjectNode message = out.addObject().put("role", role);
		message.set("content", blocks);
	}

	private static ArrayNode userFromChat(@Nullable JsonNode content, String where) {
		ArrayNode blocks = JsonTrees.array();
		if (content == null || content.isNull()) {
			return blocks;
		}
		if (content.isString()) {
			if (!content.stringValue().isEmpty()) {
				blocks.addObject().put("type", "text").put("text", content.stringValue());
			}
			return blocks;
		}
		for (int j = 0; j < content.size(); j++) {
			JsonNode part = content.get(j);
			String type = JsonTrees.string(part, "type");
			if ("text".equals(type)) {
				String text = part.path("text").asString("");
				if (!text.isEmpty()) {
					blocks.addObject().put("type", "text").put("text", text);
				}
			}
			else if ("image_url".equals(type)) {
				blocks.add(imageFromChat(part.path("image_url").path("url").asString(""), where + ".content[" + j + "]"));
			}
			else {
				throw new UntranslatableRequestException(where + ".content[" + j + "]",
						"a '" + type + "' content part cannot be sent to Anthropic");
			}
		}
		return blocks;
	}

	/** A data URL as a base64 image source, any other URL as a URL source. */
	private static ObjectNode imageFromChat(String url, String where) {
		ObjectNode image = JsonTrees.object().put("type", "image");
		ObjectNode source = image.putObject("source");
		if (url.startsWith("data:")) {
			int comma = url.indexOf(',');
			String meta = (comma > 0) ? url.substring(5, comma) : "";
			if (comma < 0 || !meta.endsWith(";base64")) {
				throw new UntranslatableRequestException(where, "an image data URL must be base64-encoded");
			}
			source.put("type", "base64");
			source.put("media_type", meta.substring(0, meta.length() - 7));
			source.put("data", url.substring(comma + 1));
		}
		else {
			source.put("type", "url");
			source.put("url", url);
		}
		return image;
	}

	/** Text first, then tool uses; reasoning in the history is left out (Anthropic would need its signature). */
	private static ArrayNode assistantFromChat(JsonNode message, String where) {
		ArrayNode blocks = JsonTrees.array();
		JsonNode content = message.get("content");
		if (content != null && content.isString()) {
			if (!content.stringValue().isEmpty()) {
				blocks.addObject().put("type", "text").put("text", content.stringValue());
			}
		}
		else if (content != null && content.isArray()) {
			for (JsonNode part : content) {
				String text = JsonTrees.nonEmpty(part, "text");
				String refusal = JsonTrees.nonEmpty(part, "refusal");
				if (text != null || refusal != null) {
					blocks.addObject().put("type", "text").put("text", (text != null) ? text : refusal);
				}
			}
		}
		JsonNode calls = message.get("tool_calls");
		if (calls != null && calls.isArray()) {
			for (int k = 0; k < calls.size(); k++) {
				JsonNode call = calls.get(k);
				String arguments = call.path("function").path("arguments").asString("");
				JsonNode input = arguments.isBlank() ? JsonTrees.object() : JsonTrees.parse(arguments);
				if (!(input instanceof ObjectNode)) {
					throw new UntranslatableRequestException(where + ".tool_calls[" + k + "].function.arguments",
							"tool call arguments must be a JSON object to be sent to Anthropic");
				}
				ObjectNode use = blocks.addObject().put("type", "tool_use");
				use.put("id", toolId(call.path("id").asString("")));
				use.put("name", call.path("function").path("name").asString(""));
				use.set("input", input);
			}
		}
		return blocks;
	}

	private static ArrayNode toolsFromChat(JsonNode tools, TranslationNotes notes) {
		ArrayNode out = JsonTrees.array();
		for (int i = 0; i < tools.size(); i++) {
			JsonNode tool = tools.get(i);
			if (!"function".equals(JsonTrees.string(tool, "type"))) {
				throw new UntranslatableRequestException("tools[" + i + "]",
						"only function tools can be sent to Anthropic");
			}
			JsonNode function = tool.path("function");
			ObjectNode out1 = out.addObject().put("name", function.path("name").asString(""));
			if (JsonTrees.present(function, "description")) {
				out1.set("description", function.get("description"));
			}
			out1.set("input_schema",
					JsonTrees.present(function, "parameters") ? function.get("parameters") : emptySchema());
			if (function.has("strict")) {
				notes.dropped("tools.function.strict");
			}
		}
		return out;
	}

	private static ObjectNode toolChoiceFromChat(JsonNode choice) {
		ObjectNode out = JsonTrees.object();
		if (choice.isString()) {
			switch (choice.stringValue()) {
				case "required" -> out.put("type", "any");
				case "none" -> out.put("type", "none");
				default -> out.put("type", "auto");
			}
			return out;
		}
		return out.put("type", "tool").put("name", choice.path("function").path("name").asString(""));
	}

	/**
	 * {@code json_schema} becomes Anthropic's structured output ({@code output_config.format}); {@code text} is the
	 * default anyway; {@code json_object}, JSON without a schema, has no Anthropic equivalent.
	 */
	private static void responseFormatFromChat(JsonNode format, ObjectNode request) {
		String type = JsonTrees.string(format, "type");
		if ("text".equals(type)) {
			return;
		}
		if ("json_schema".equals(type)) {
			ObjectNode outputFormat = request.putObject("output_config").putObject("format").put("type", "json_schema");
			outputFormat.set("schema", format.path("json_schema").path("schema"));
			return;
		}
		throw new UntranslatableRequestException("response_format", "response_format '" + type
				+ "' has no Anthropic equivalent; use {\"type\":\"json_schema\"} with a schema");
	}

	/** Anthropic accepts tool ids of letters, digits, '_' and '-' only; others become '_', the same in both places. */
	static String toolId(String id) {
		StringBuilder out = null;
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
			if (!ok && out == null) {
				out = new StringBuilder(id.substring(0, i));
			}
			if (out != null) {
				out.append(ok ? c : '_');
			}
		}
		return (out != null) ? out.toString() : id;
	}

	private static ObjectNode emptySchema() {
		ObjectNode schema = JsonTrees.object().put("type", "object");
		schema.putObject("properties");
		return schema;
	}

}
