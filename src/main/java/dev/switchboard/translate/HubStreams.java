package dev.switchboard.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A hub stream and a hub response turned into each other: the chunks of a stream assembled into the
 * {@code chat.completion} a provider would have answered, and a whole answer told again as chunks. With a client
 * codec on either side this serves a JSON client from a stored stream and a stream client from a stored answer.
 * <p>
 * Assembling keeps every choice ({@code n > 1}), concatenates text, reasoning and refusal, and joins each tool call's
 * argument pieces by its {@code index}. Telling a whole answer as a stream gives each choice one content chunk (text,
 * reasoning and whole tool calls), one chunk with its {@code finish_reason}, then a usage chunk when the answer had
 * usage: the shape every codec's encoder accepts.
 */
public final class HubStreams {

	private HubStreams() {
	}

	/** The hub response the chunks add up to. */
	public static ObjectNode assemble(List<ObjectNode> chunks) {
		ObjectNode response = JsonTrees.object();
		String id = null;
		String model = null;
		long created = 0;
		JsonNode usage = null;
		JsonNode fingerprint = null;
		Map<Integer, Choice> choices = new TreeMap<>();
		for (ObjectNode chunk : chunks) {
			if (id == null && JsonTrees.nonEmpty(chunk, "id") != null) {
				id = chunk.get("id").asString();
			}
			if (model == null && JsonTrees.nonEmpty(chunk, "model") != null) {
				model = chunk.get("model").asString();
			}
			if (created == 0 && chunk.has("created")) {
				created = chunk.get("created").asLong(0);
			}
			if (chunk.get("usage") instanceof ObjectNode found) {
				usage = found;
			}
			if (fingerprint == null && JsonTrees.present(chunk, "system_fingerprint")) {
				fingerprint = chunk.get("system_fingerprint");
			}
			JsonNode list = chunk.get("choices");
			if (list == null || !list.isArray()) {
				continue;
			}
			for (JsonNode choice : list) {
				choices.computeIfAbsent(choice.path("index").asInt(0), Choice::new).add(choice);
			}
		}
		response.put("id", (id != null) ? id : "");
		response.put("object", "chat.completion");
		response.put("created", created);
		response.put("model", (model != null) ? model : "");
		ArrayNode array = response.putArray("choices");
		choices.values().forEach(choice -> array.add(choice.build()));
		if (usage != null) {
			response.set("usage", usage);
		}
		if (fingerprint != null) {
			response.set("system_fingerprint", fingerprint);
		}
		return response;
	}

	/** The chunks that tell {@code response} (a hub response) as a stream, without the end ({@code [DONE]}). */
	public static List<ObjectNode> chunks(ObjectNode response) {
		String id = response.path("id").asString("");
		long created = response.path("created").asLong(0);
		String model = response.path("model").asString("");
		List<ObjectNode> chunks = new ArrayList<>();
		for (JsonNode choice : response.path("choices")) {
			int index = choice.path("index").asInt(0);
			JsonNode message = choice.path("message");
			ObjectNode delta = JsonTrees.object().put("role", "assistant");
			for (String field : new String[] { "reasoning_content", "content", "refusal" }) {
				String value = JsonTrees.nonEmpty(message, field);
				if (value != null) {
					delta.put(field, value);
				}
			}
			JsonNode calls = message.get("tool_calls");
			if (calls != null && calls.isArray() && !calls.isEmpty()) {
				ArrayNode deltas = delta.putArray("tool_calls");
				for (int i = 0; i < calls.size(); i++) {
					JsonNode call = calls.get(i);
					ObjectNode piece = deltas.addObject().put("index", i);
					piece.put("id", call.path("id").asString(""));
					piece.put("type", call.path("type").asString("function"));
					piece.putObject("function")
						.put("name", call.path("function").path("name").asString(""))
						.put("arguments", call.path("function").path("arguments").asString(""));
				}
			}
			chunks.add(withIndex(HubObjects.chunk(id, created, model, delta, null), index));
			String finish = JsonTrees.string(choice, "finish_reason");
			chunks.add(withIndex(HubObjects.chunk(id, created, model, JsonTrees.object(), (finish != null) ? finish : "stop"),
					index));
		}
		if (response.get("usage") instanceof ObjectNode usage) {
			ObjectNode last = HubObjects.chunkHead(id, created, model);
			last.putArray("choices");
			last.set("usage", usage);
			chunks.add(last);
		}
		return chunks;
	}

	private static ObjectNode withIndex(ObjectNode chunk, int index) {
		((ObjectNode) chunk.get("choices").get(0)).put("index", index);
		return chunk;
	}

	/** One choice of an assembled answer. */
	private static final class Choice {

		private final int index;

		private final StringBuilder content = new StringBuilder();

		private final StringBuilder reasoning = new StringBuilder();

		private final StringBuilder refusal = new StringBuilder();

		private final Map<Integer, ToolCall> calls = new TreeMap<>();

		private boolean sawContent;

		private @Nullable String finishReason;

		Choice(int index) {
			this.index = index;
		}

		void add(JsonNode choice) {
			JsonNode delta = choice.path("delta");
			String text = JsonTrees.string(delta, "content");
			if (text != null) {
				this.content.append(text);
				this.sawContent = true;
			}
			String thought = JsonTrees.string(delta, "reasoning_content");
			if (thought != null) {
				this.reasoning.append(thought);
			}
			String refused = JsonTrees.string(delta, "refusal");
			if (refused != null) {
				this.refusal.append(refused);
			}
			JsonNode calls = delta.get("tool_calls");
			if (calls != null && calls.isArray()) {
				for (int i = 0; i < calls.size(); i++) {
					JsonNode call = calls.get(i);
					this.calls.computeIfAbsent(call.path("index").asInt(i), key -> new ToolCall()).add(call);
				}
			}
			String finish = JsonTrees.string(choice, "finish_reason");
			if (finish != null) {
				this.finishReason = finish;
			}
		}

		ObjectNode build() {
			ObjectNode choice = JsonTrees.object().put("index", this.index);
			ObjectNode message = choice.putObject("message").put("role", "assistant");
			if (this.sawContent || this.calls.isEmpty()) {
				message.put("content", this.content.toString());
			}
			else {
				message.putNull("content");
			}
			if (!this.reasoning.isEmpty()) {
				message.put("reasoning_content", this.reasoning.toString());
			}
			if (!this.refusal.isEmpty()) {
				message.put("refusal", this.refusal.toString());
			}
			if (!this.calls.isEmpty()) {
				ArrayNode array = message.putArray("tool_calls");
				this.calls.values().forEach(call -> array.add(call.build()));
			}
			choice.putNull("logprobs");
			if (this.finishReason != null) {
				choice.put("finish_reason", this.finishReason);
			}
			else {
				choice.putNull("finish_reason");
			}
			return choice;
		}

	}

	/** One tool call of an assembled choice. */
	private static final class ToolCall {

		private String id = "";

		private String type = "function";

		private String name = "";

		private final StringBuilder arguments = new StringBuilder();

		void add(JsonNode call) {
			String callId = JsonTrees.nonEmpty(call, "id");
			if (callId != null) {
				this.id = callId;
			}
			String callType = JsonTrees.nonEmpty(call, "type");
			if (callType != null) {
				this.type = callType;
			}
			JsonNode function = call.path("function");
			String callName = JsonTrees.nonEmpty(function, "name");
			if (callName != null) {
				this.name = callName;
			}
			String piece = JsonTrees.string(function, "arguments");
			if (piece != null) {
				this.arguments.append(piece);
			}
		}

		ObjectNode build() {
			ObjectNode call = JsonTrees.object().put("id", this.id).put("type", this.type);
			call.putObject("function").put("name", this.name).put("arguments", this.arguments.toString());
			return call;
		}

	}

}
