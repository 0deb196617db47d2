package dev.switchboard.guardrails;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import dev.switchboard.support.Json;

/**
 * Finds the texts a model reads or writes in a JSON document of any of the gateway's wire formats, with the byte
 * range of each string, so that only those strings are rewritten and the rest of the document stays byte for byte.
 * <p>
 * One walk with Jackson's streaming parser. A text is a string under one of the mode's text keys ({@code content},
 * {@code text}, {@code arguments}, {@code input}, {@code system}, {@code instructions}, {@code output}, ...), in any
 * nesting, except under keys that hold no prose: ids, roles, types, names, and every kind of binary or reference
 * data ({@code source}, {@code image_url}, {@code input_audio}, {@code file}, {@code data}, {@code url}), and thinking
 * blocks, whose signature covers their text. A tool call's {@code input} object is text throughout.
 */
final class JsonTexts {

	/** Which document it is. */
	enum Mode {

		/** A request body: chat, Anthropic messages, Responses, embeddings. */
		REQUEST(Set.of("content", "text", "arguments", "input", "instructions", "system", "output")),

		/** A JSON answer: chat completion, Anthropic message, Responses response. */
		ANSWER(Set.of("content", "text", "arguments", "input", "output", "refusal")),

		/** The data of one stream event, in any of the three stream formats. */
		EVENT(Set.of("content", "text", "arguments", "partial_json", "delta", "refusal", "output", "item", "part",
				"content_block", "input"));

		private final Set<String> textKeys;

		Mode(Set<String> textKeys) {
			this.textKeys = textKeys;
		}

	}

	private static final Set<String> SKIP = Set.of("type", "role", "id", "name", "call_id", "tool_use_id",
			"tool_call_id", "item_id", "media_type", "source", "image_url", "input_image", "input_audio", "audio",
			"file", "file_id", "file_data", "filename", "data", "url", "detail", "format", "signature", "cache_control",
			"status", "annotations", "logprobs", "stop_reason", "stop_sequence", "finish_reason", "index", "thinking",
			"redacted_thinking", "citations", "obfuscation", "sequence_number", "encrypted_content", "output_index",
			"content_index", "usage", "model", "object", "created");

	/** Properties whose numbers tell one stream channel from another. */
	private static final Set<String> INDEXES = Set.of("index", "output_index", "content_index");

	private static final int NONE = 0;

	private static final int TEXTS = 1;

	private static final int ALL = 2;

	private static final int SKIPPED = -1;

	/**
	 * A text in the document.
	 * @param start offset of its opening quote
	 * @param end offset just past its closing quote
	 * @param value the decoded string
	 * @param jsonText whether the string holds JSON source (tool-call arguments as they stream or are sent)
	 * @param fragment whether it is a stream's delta: a piece of a longer text, continued by later events
	 * @param channel for a fragment, which text it continues: its path and the indexes around it
	 */
	record Field(int start, int end, String value, boolean jsonText, boolean fragment, String channel) {
	}

	private final Mode mode;

	private final JsonParser parser;

	private final List<Field> fields = new ArrayList<>(4);

	private final StringBuilder indexes = new StringBuilder();

	private final ArrayList<String> path = new ArrayList<>();

	private int deltaDepth;

	private boolean argumentsEvent;

	private JsonTexts(Mode mode, JsonParser parser) {
		this.mode = mode;
		this.parser = parser;
	}

	/**
	 * The texts of {@code json}.
	 * @throws tools.jackson.core.JacksonException when it is not JSON
	 */
	static List<Field> find(byte[] json, Mode mode) {
		try (JsonParser parser = Json.parser(json)) {
			JsonTexts walk = new JsonTexts(mode, parser);
			JsonToken first = parser.nextToken();
			if (first == null) {
				return List.of();
			}
			walk.value(first, NONE, 0);
			return walk.fields;
		}
	}

	private void value(JsonToken token, int scope, int depth) {
		switch (token) {
			case START_OBJECT -> {
				int mark = this.indexes.length();
				JsonToken next;
				while ((next = this.parser.nextToken()) == JsonToken.PROPERTY_NAME) {
					String name = this.parser.currentName();
					JsonToken child = this.parser.nextToken();
					if (child == JsonToken.VALUE_NUMBER_INT && INDEXES.contains(name)) {
						this.indexes.append(name).append('=').append(this.parser.getIntValue()).append(';');
					}
					if (depth == 0 && child == JsonToken.VALUE_STRING && name.equals("type")) {
						this.argumentsEvent = this.parser.getString().contains("arguments");
					}
					int childScope = scope(scope, name, depth);
					if (childScope == SKIPPED) {
						this.parser.skipChildren();
						continue;
					}
					boolean delta = name.equals("delta");
					if (delta) {
						this.deltaDepth++;
					}
					this.path.add(name);
					value(child, childScope, depth + 1);
					this.path.remove(this.path.size() - 1);
					if (delta) {
						this.deltaDepth--;
					}
				}
				this.indexes.setLength(mark);
			}
			case START_ARRAY -> {
				JsonToken next;
				while ((next = this.parser.nextToken()) != JsonToken.END_ARRAY && next != null) {
					value(next, scope, depth + 1);
				}
			}
			case VALUE_STRING -> {
				if (scope >= TEXTS) {
					int start = (int) this.parser.currentTokenLocation().getByteOffset();
					String value = this.parser.getString();
					int end = (int) this.parser.currentLocation().getByteOffset();
					String key = this.path.isEmpty() ? "" : this.path.get(this.path.size() - 1);
					boolean fragment = this.mode == Mode.EVENT && this.deltaDepth > 0;
					boolean jsonText = key.equals("arguments") || key.equals("partial_json")
							|| (fragment && key.equals("delta") && this.argumentsEvent);
					this.fields.add(new Field(start, end, value, jsonText, fragment,
							fragment ? String.join(".", this.path) + "|" + this.indexes : ""));
				}
			}
			default -> {
			}
		}
	}

	private int scope(int scope, String name, int depth) {
		if (scope == ALL) {
			return ALL;
		}
		if (scope == TEXTS) {
			if (SKIP.contains(name)) {
				return SKIPPED;
			}
			return (name.equals("input") && depth > 0) ? ALL : TEXTS;
		}
		if (this.mode.textKeys.contains(name)) {
			if (name.equals("input") && depth > 0) {
				return ALL;
			}
			return TEXTS;
		}
		return (SKIP.contains(name) && depth > 0) ? SKIPPED : NONE;
	}

	/**
	 * {@code json} with the strings of {@code fields} replaced by {@code values} (same order; {@code null} keeps a
	 * string), everything else byte for byte.
	 */
	static byte[] rewrite(byte[] json, List<Field> fields, List<String> values) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 64);
		int copied = 0;
		for (int i = 0; i < fields.size(); i++) {
			String value = values.get(i);
			if (value == null) {
				continue;
			}
			Field field = fields.get(i);
			out.write(json, copied, field.start() - copied);
			byte[] quoted = Json.quote(value).getBytes(StandardCharsets.UTF_8);
			out.write(quoted, 0, quoted.length);
			copied = field.end();
		}
		out.write(json, copied, json.length - copied);
		return out.toByteArray();
	}

}
