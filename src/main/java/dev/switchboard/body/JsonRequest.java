package dev.switchboard.body;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import dev.switchboard.support.Json;

/**
 * A request body read once, with the position of its top-level {@code model} string, so that the body can go
 * upstream byte for byte as the client sent it with only that one value replaced: no second parse, no
 * re-serialisation, no change to field order, numbers or unknown fields.
 */
public final class JsonRequest {

	private final byte[] bytes;

	private final String model;

	private final int modelStart;

	private final int modelEnd;

	private final boolean stream;

	private final boolean streamUsage;

	/** Top-level properties a target's conflict resolution may cut out. */
	static final java.util.Set<String> DROPPABLE = java.util.Set.of("tools", "tool_choice", "parallel_tool_calls",
			"response_format");

	/** Which of {@link #DROPPABLE} the body has. */
	private final java.util.Set<String> droppable;

	/**
	 * @param bytes the whole body
	 * @param model the decoded {@code model} value
	 * @param modelStart offset of the opening quote of the {@code model} value, or -1 when the model is named by
	 * the URL (Gemini) and the body goes upstream as it came
	 * @param modelEnd offset just past its closing quote
	 * @param stream whether the top-level {@code stream} is {@code true}
	 * @param streamUsage whether {@code stream_options.include_usage} is {@code true}
	 * @param droppable which {@link #DROPPABLE} properties the body has
	 */
	JsonRequest(byte[] bytes, String model, int modelStart, int modelEnd, boolean stream, boolean streamUsage,
			java.util.Set<String> droppable) {
		this.streamUsage = streamUsage;
		this.droppable = droppable;
		this.bytes = bytes;
		this.model = model;
		this.modelStart = modelStart;
		this.modelEnd = modelEnd;
		this.stream = stream;
	}

	/** The model the client asked for. */
	public String model() {
		return this.model;
	}

	/** Whether the client asked for a stream ({@code "stream": true}). */
	public boolean stream() {
		return this.stream;
	}

	/** The body exactly as received. */
	public byte[] bytes() {
		return this.bytes;
	}

	/**
	 * The body with {@code model} set to {@code upstreamModel} and the named top-level properties cut out. Without
	 * anything to cut it shares the received bytes (no copy); with something to cut (a target's conflict
	 * resolution, a rare path) the document is parsed and written again, numbers kept exact.
	 */
	public ByteBuf forUpstream(String upstreamModel, java.util.Set<String> drop) {
		if (this.modelStart < 0 || drop.isEmpty() || java.util.Collections.disjoint(drop, this.droppable)) {
			return withModel(upstreamModel);
		}
		tools.jackson.databind.node.ObjectNode document = (tools.jackson.databind.node.ObjectNode) TREE_MAPPER
			.readTree(this.bytes);
		document.remove(drop);
		document.put("model", upstreamModel);
		return Unpooled.wrappedBuffer(TREE_MAPPER.writeValueAsBytes(document));
	}

	private static final tools.jackson.databind.json.JsonMapper TREE_MAPPER = tools.jackson.databind.json.JsonMapper
		.builder()
		.enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.enable(tools.jackson.databind.DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
		.build();

	/** Whether the body asks for usage in its stream ({@code "stream_options": {"include_usage": true}}), as parsed. */
	public boolean asksStreamUsage() {
		return this.streamUsage;
	}

	/**
	 * The body asking for usage in its stream: {@code "stream_options":{"include_usage":true}} put first, the rest
	 * byte for byte as received; a body that has {@code stream_options} already is parsed and written again with the
	 * flag set.
	 */
	public JsonRequest withStreamUsage() {
		if (indexOf(this.bytes, STREAM_OPTIONS) >= 0) {
			tools.jackson.databind.node.ObjectNode document = (tools.jackson.databind.node.ObjectNode) TREE_MAPPER
				.readTree(this.bytes);
			tools.jackson.databind.JsonNode existing = document.get("stream_options");
			tools.jackson.databind.node.ObjectNode options = (existing instanceof tools.jackson.databind.node.ObjectNode object)
					? object : document.putObject("stream_options");
			options.put("include_usage", true);
			return JsonRequestParser.parse(TREE_MAPPER.writeValueAsBytes(document));
		}
		int open = 0;
		while (open < this.bytes.length && this.bytes[open] != '{') {
			open++;
		}
		byte[] inserted = STREAM_USAGE_MEMBER;
		byte[] with = new byte[this.bytes.length + inserted.length];
		System.arraycopy(this.bytes, 0, with, 0, open + 1);
		System.arraycopy(inserted, 0, with, open + 1, inserted.length);
		System.arraycopy(this.bytes, open + 1, with, open + 1 + inserted.length, this.bytes.length - open - 1);
		return new JsonRequest(with, this.model, this.modelStart + inserted.length, this.modelEnd + inserted.length,
				this.stream, true, this.droppable);
	}

	private static final byte[] STREAM_OPTIONS = "\"stream_options\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] STREAM_USAGE_MEMBER = "\"stream_options\":{\"include_usage\":true},"
		.getBytes(StandardCharsets.US_ASCII);

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/** The body with {@code model} set to {@code upstreamModel}, sharing the received bytes (no copy). */
	public ByteBuf withModel(String upstreamModel) {
		if (this.modelStart < 0 || upstreamModel.equals(this.model)) {
			return Unpooled.wrappedBuffer(this.bytes);
		}
		byte[] value = Json.quote(upstreamModel).getBytes(StandardCharsets.UTF_8);
		return Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(this.bytes, 0, this.modelStart),
				Unpooled.wrappedBuffer(value),
				Unpooled.wrappedBuffer(this.bytes, this.modelEnd, this.bytes.length - this.modelEnd));
	}

}
