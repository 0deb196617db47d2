package dev.switchboard.translate.openai;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.TranslationNotes;
import dev.switchboard.translate.UntranslatableRequestException;

/**
 * A Responses API request's tools as Chat Completions function tools, and the way back from a function name the
 * model called to the Responses tool it stands for.
 * <ul>
 * <li>{@code function} tools are function tools.</li>
 * <li>A {@code namespace} (Codex CLI groups its sub-agent tools so) is flattened: each function inside becomes
 * {@code <namespace>__<name>}; a call comes back as a {@code function_call} with {@code name} and
 * {@code namespace}.</li>
 * <li>A {@code custom} tool (free-form input, such as Codex's {@code apply_patch}) becomes a function taking one
 * string, {@code input}; a call comes back as a {@code custom_tool_call} with that string.</li>
 * <li>{@code web_search} (and {@code web_search_preview}) runs on OpenAI's side: left out and named as dropped.
 * {@code local_shell} is left out the same way.</li>
 * <li>Any other hosted tool ({@code file_search}, {@code mcp}, {@code code_interpreter}, {@code computer_use},
 * {@code image_generation}) needs OpenAI's servers and is refused.</li>
 * </ul>
 */
final class ResponsesTools {

	/** Joins a namespace and a function name into one function name (letters, digits, '_' and '-' only). */
	static final String NAMESPACE_SEPARATOR = "__";

	/** What a hub function name stands for. */
	record Tool(String name, @Nullable String namespace, boolean custom) {
	}

	private final Map<String, Tool> byHubName;

	private ResponsesTools(Map<String, Tool> byHubName) {
		this.byHubName = byHubName;
	}

	/** The tools of {@code request}, read for the way back. */
	static ResponsesTools of(JsonNode request) {
		Map<String, Tool> names = new HashMap<>();
		for (JsonNode tool : request.path("tools")) {
			String type = JsonTrees.string(tool, "type");
			String name = tool.path("name").asString("");
			if ("custom".equals(type)) {
				names.put(name, new Tool(name, null, true));
			}
			else if ("namespace".equals(type)) {
				for (JsonNode inner : tool.path("tools")) {
					String innerName = inner.path("name").asString("");
					names.put(name + NAMESPACE_SEPARATOR + innerName,
							new Tool(innerName, name, "custom".equals(JsonTrees.string(inner, "type"))));
				}
			}
		}
		return new ResponsesTools(names);
	}

	/** What the model's call of {@code hubName} stands for: a plain function unless the request said otherwise. */
	Tool tool(String hubName) {
		Tool tool = this.byHubName.get(hubName);
		return (tool != null) ? tool : new Tool(hubName, null, false);
	}

	/** The tools as Chat Completions tools. */
	static ArrayNode toChat(JsonNode tools, TranslationNotes notes) {
		ArrayNode out = JsonTrees.array();
		for (int i = 0; i < tools.size(); i++) {
			JsonNode tool = tools.get(i);
			String type = JsonTrees.string(tool, "type");
			String where = "tools[" + i + "]";
			switch ((type != null) ? type : "") {
				case "function" -> out.add(function(tool, tool.path("name").asString("")));
				case "custom" -> out.add(custom(tool, tool.path("name").asString("")));
				case "namespace" -> {
					String namespace = tool.path("name").asString("");
					for (JsonNode inner : tool.path("tools")) {
						String name = namespace + NAMESPACE_SEPARATOR + inner.path("name").asString("");
						out.add("custom".equals(JsonTrees.string(inner, "type")) ? custom(inner, name)
								: function(inner, name));
					}
				}
				case "web_search", "web_search_preview", "web_search_2025_08_26", "local_shell" ->
					notes.dropped("tools." + type);
				default -> throw new UntranslatableRequestException(where, where + " is a '" + type
						+ "' tool, which runs on OpenAI's servers and cannot be sent to this provider");
			}
		}
		return out;
	}

	private static ObjectNode function(JsonNode tool, String name) {
		ObjectNode wrapped = JsonTrees.object().put("type", "function");
		ObjectNode function = wrapped.putObject("function").put("name", name);
		if (JsonTrees.present(tool, "description")) {
			function.set("description", tool.get("description"));
		}
		if (JsonTrees.present(tool, "parameters")) {
			function.set("parameters", tool.get("parameters"));
		}
		else {
			function.putObject("parameters").put("type", "object").putObject("properties");
		}
		if (tool.path("strict").asBoolean(false)) {
			function.put("strict", true);
		}
		return wrapped;
	}

	/** A free-form tool as a function of one string: the grammar or format, when given, is described to the model. */
	private static ObjectNode custom(JsonNode tool, String name) {
		ObjectNode wrapped = JsonTrees.object().put("type", "function");
		ObjectNode function = wrapped.putObject("function").put("name", name);
		String description = tool.path("description").asString("");
		JsonNode format = tool.path("format");
		String definition = format.path("definition").asString("");
		function.put("description", definition.isEmpty() ? description
				: description + "\n\nThe input must follow this " + format.path("syntax").asString("grammar") + ":\n"
						+ definition);
		ObjectNode parameters = function.putObject("parameters").put("type", "object");
		parameters.putObject("properties").putObject("input").put("type", "string")
			.put("description", "The tool's whole input, as free-form text.");
		parameters.putArray("required").add("input");
		return wrapped;
	}

	/** A hub tool choice from a Responses {@code tool_choice}. */
	static @Nullable JsonNode choiceToChat(JsonNode choice, TranslationNotes notes) {
		if (choice.isString()) {
			return choice;
		}
		String type = JsonTrees.string(choice, "type");
		if ("function".equals(type) || "custom".equals(type)) {
			ObjectNode named = JsonTrees.object().put("type", "function");
			named.putObject("function").put("name", choice.path("name").asString(""));
			return named;
		}
		// allowed_tools, a hosted tool: the model may still call any tool it was given
		notes.dropped("tool_choice." + type);
		return null;
	}

}
