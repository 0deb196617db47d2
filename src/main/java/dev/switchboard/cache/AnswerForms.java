package dev.switchboard.cache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.support.TokenUsage;
import dev.switchboard.translate.HubStreams;
import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.SseEvent;
import dev.switchboard.translate.SseParser;
import dev.switchboard.translate.StreamDecoder;
import dev.switchboard.translate.StreamEncoder;
import dev.switchboard.translate.TranslationContext;
import dev.switchboard.translate.UpstreamStreamException;
import dev.switchboard.translate.WireCodec;
import dev.switchboard.translate.WireCodecs;

/**
 * What the cache knows about answers in each endpoint's format: whether one is whole and successful (worth storing),
 * its usage, and how a stored stream becomes a JSON answer and a stored JSON answer a stream, in the client's own
 * format, through the client format's codec and the hub ({@link HubStreams}).
 * <p>
 * Chat Completions and Messages answers convert both ways. A Responses answer is stored and replayed only in the
 * form it was asked in (its stream has no codec here), and embeddings are never streamed.
 */
final class AnswerForms {

	private AnswerForms() {
	}

	/** Whether a stored answer of {@code endpoint} can be served to both a stream and a JSON client. */
	static boolean convertible(Endpoint endpoint) {
		return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.MESSAGES;
	}

	/** Whether the endpoint's answers are cached at all (a local token count is cheaper than a lookup). */
	static boolean cacheable(Endpoint endpoint) {
		return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.MESSAGES
				|| endpoint == Endpoint.RESPONSES || endpoint == Endpoint.EMBEDDINGS;
	}

	/**
	 * Whether a JSON answer is whole and successful: a chat completion whose every choice has a
	 * {@code finish_reason}, a message with a {@code stop_reason}, a completed response, embeddings with data.
	 */
	static boolean complete(Endpoint endpoint, byte[] body) {
		ObjectNode answer = JsonTrees.parseObject(body);
		if (answer == null || JsonTrees.present(answer, "error")) {
			return false;
		}
		return switch (endpoint) {
			case CHAT_COMPLETIONS -> {
				JsonNode choices = answer.get("choices");
				if (choices == null || !choices.isArray() || choices.isEmpty()) {
					yield false;
				}
				for (JsonNode choice : choices) {
					if (JsonTrees.nonEmpty(choice, "finish_reason") == null) {
						yield false;
					}
				}
				yield true;
			}
			case MESSAGES -> "message".equals(JsonTrees.string(answer, "type"))
					&& JsonTrees.nonEmpty(answer, "stop_reason") != null;
			case RESPONSES -> "completed".equals(JsonTrees.string(answer, "status"));
			case EMBEDDINGS -> answer.path("data").isArray() && !answer.path("data").isEmpty();
			default -> false;
		};
	}

	/**
	 * What a stream that ended with its terminal event holds: {@code null} when it carried an in-band error (or a
	 * failed or incomplete response), else its usage as far as it reported it.
	 */
	static @Nullable TokenUsage inspectStream(Endpoint endpoint, List<byte[]> events) {
		if (endpoint == Endpoint.RESPONSES) {
			return inspectResponses(events);
		}
		WireCodec codec = codec(endpoint);
		if (codec == null) {
			return null;
		}
		StreamDecoder decoder = codec.streamToHub(TranslationContext.now());
		List<ObjectNode> chunks = new ArrayList<>();
		boolean ended = false;
		try {
			for (SseEvent event : parse(events)) {
				ended |= decoder.decode(event, chunks);
			}
		}
		catch (UpstreamStreamException ex) {
			return null;
		}
		if (!ended) {
			return null;
		}
		ObjectNode whole = HubStreams.assemble(chunks);
		return usage(whole.get("usage"));
	}

	/** The Responses API: only a stream whose terminal event is {@code response.completed}, with no error event. */
	private static @Nullable TokenUsage inspectResponses(List<byte[]> events) {
		TokenUsage usage = null;
		for (SseEvent event : parse(events)) {
			String name = event.event();
			if ("error".equals(name) || "response.failed".equals(name) || "response.incomplete".equals(name)) {
				return null;
			}
			if ("response.completed".equals(name)) {
				ObjectNode data = JsonTrees.parseObject(event.data());
				JsonNode found = (data != null) ? data.path("response").get("usage") : null;
				usage = (found != null) ? new TokenUsage(found.path("input_tokens").asLong(-1),
						found.path("output_tokens").asLong(-1)) : TokenUsage.UNKNOWN;
			}
		}
		return usage;
	}

	/** A stored stream as the JSON answer the provider would have sent, for {@code clientRequest}. */
	static byte[] asJson(Endpoint endpoint, CachedAnswer stored, ObjectNode clientRequest) {
		WireCodec codec = requiredCodec(endpoint);
		TranslationContext context = TranslationContext.now();
		StreamDecoder decoder = codec.streamToHub(context);
		List<ObjectNode> chunks = new ArrayList<>();
		for (SseEvent event : parse(stored.parts())) {
			decoder.decode(event, chunks);
		}
		ObjectNode hub = HubStreams.assemble(chunks);
		return JsonTrees.bytes(codec.responseFromHub(hub, clientRequest, context));
	}

	/** A stored JSON answer as a well-formed stream for {@code clientRequest}: its events, one per part. */
	static List<byte[]> asStream(Endpoint endpoint, CachedAnswer stored, ObjectNode clientRequest) {
		WireCodec codec = requiredCodec(endpoint);
		TranslationContext context = TranslationContext.now();
		ObjectNode answer = JsonTrees.parseObject(stored.body());
		if (answer == null) {
			throw new IllegalStateException("a stored JSON answer that is not JSON");
		}
		ObjectNode hub = codec.responseToHub(answer, context);
		StreamEncoder encoder = codec.streamFromHub(clientRequest, context);
		StringBuilder out = new StringBuilder(stored.body().length * 2);
		for (ObjectNode chunk : HubStreams.chunks(hub)) {
			encoder.encode(chunk, out);
		}
		encoder.end(out);
		return SseEvents.split(out.toString().getBytes(StandardCharsets.UTF_8));
	}

	private static List<SseEvent> parse(List<byte[]> events) {
		SseParser parser = new SseParser();
		List<SseEvent> out = new ArrayList<>();
		for (byte[] event : events) {
			parser.feed(Unpooled.wrappedBuffer(event), out);
		}
		return out;
	}

	static TokenUsage usage(@Nullable JsonNode usage) {
		if (usage == null || !usage.isObject()) {
			return TokenUsage.UNKNOWN;
		}
		long input = usage.has("prompt_tokens") ? usage.path("prompt_tokens").asLong(-1) : usage.path("input_tokens").asLong(-1);
		long output = usage.has("completion_tokens") ? usage.path("completion_tokens").asLong(-1)
				: usage.path("output_tokens").asLong(-1);
		return new TokenUsage(input, output);
	}

	private static @Nullable WireCodec codec(Endpoint endpoint) {
		return convertible(endpoint) ? WireCodecs.of(endpoint.format()) : null;
	}

	private static WireCodec requiredCodec(Endpoint endpoint) {
		WireCodec codec = codec(endpoint);
		if (codec == null) {
			throw new IllegalStateException("no conversion for " + endpoint);
		}
		return codec;
	}

}
