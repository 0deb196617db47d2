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
	 * @param droppable which {@link #DROPPABLE} properties the body has
	 */
	JsonRequest(byte[] bytes, String model, int modelStart, int modelEnd, boolean stream,
			java.util.Set<String> droppable) {
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
