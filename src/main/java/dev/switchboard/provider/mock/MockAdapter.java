package dev.switchboard.provider.mock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.ProviderAdapter;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.support.ErrorBodies;
import dev.switchboard.support.Json;

/**
 * The built-in {@code mock} provider: answers chat completions (streamed or not) and embeddings locally, with text
 * and vectors derived from the input, so that the gateway works out of the box with no network and no key. Clients of
 * the other formats (Messages, Responses, Gemini) reach it through the translation, as they reach any chat provider.
 * <p>
 * The stream carries the same text as the non-streamed answer, a few words per chunk, and ends like OpenAI's does:
 * a chunk with {@code finish_reason}, a usage chunk with no choices when the request asked for one
 * ({@code stream_options.include_usage}), then {@code [DONE]}.
 */
public class MockAdapter implements ProviderAdapter {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	/** Words per stream chunk. */
	private static final int WORDS_PER_CHUNK = 3;

	@Override
	public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
		if (inbound != WireFormat.OPENAI) {
			return "the mock provider speaks the OpenAI format only";
		}
		return (endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.EMBEDDINGS) ? null
				: "the mock provider does not implement " + endpoint.path();
	}

	@Override
	public Mono<UpstreamResponse> exchange(UpstreamCall call) {
		return Mono.fromSupplier(() -> {
			JsonNode request;
			try {
				request = MAPPER.readTree(new io.netty.buffer.ByteBufInputStream(call.body(), true));
			}
			catch (JacksonException ex) {
				return error(400, "The request body is not valid JSON.");
			}
			return switch (call.endpoint()) {
				case CHAT_COMPLETIONS -> chat(request, call.model());
				case EMBEDDINGS -> embeddings(request, call.model());
				case RESPONSES, MESSAGES, COUNT_TOKENS, GENERATE_CONTENT, GEMINI_COUNT_TOKENS ->
					error(404, "The mock provider does not implement " + call.endpoint().path() + ".");
			};
		});
	}

	private static UpstreamResponse chat(JsonNode request, String model) {
		JsonNode messages = request.path("messages");
		if (!messages.isArray() || messages.isEmpty()) {
			return error(400, "'messages' must be a non-empty array.");
		}
		StringBuilder prompt = new StringBuilder();
		for (JsonNode message : messages) {
			prompt.append(message.path("role").asString("")).append(": ").append(text(message.path("content"))).append('\n');
		}
		MockCompletion completion = MockCompletion.of(prompt.toString());
		String id = "chatcmpl-mock-" + Long.toHexString(completion.seed());
		long created = System.currentTimeMillis() / 1000;
		if (request.path("stream").asBoolean(false)) {
			return new MockResponse(200, "text/event-stream", streamChunks(completion, id, created, model,
					request.path("stream_options").path("include_usage").asBoolean(false)));
		}
		StringBuilder json = new StringBuilder(512);
		json.append("{\"id\":\"").append(id).append("\",\"object\":\"chat.completion\",\"created\":").append(created);
		json.append(",\"model\":");
		Json.appendString(json, model);
		json.append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
		Json.appendString(json, completion.text());
		json.append(",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],");
		appendUsage(json, completion);
		json.append(",\"system_fingerprint\":\"switchboard-mock\"}");
		return new MockResponse(200, "application/json", List.of(json.toString()));
	}

	private static List<String> streamChunks(MockCompletion completion, String id, long created, String model,
			boolean includeUsage) {
		String head = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created + ",\"model\":"
				+ Json.quote(model) + ",\"system_fingerprint\":\"switchboard-mock\",\"choices\":";
		List<String> events = new ArrayList<>();
		events.add(head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}");
		List<String> words = completion.words();
		for (int i = 0; i < words.size(); i += WORDS_PER_CHUNK) {
			int end = Math.min(words.size(), i + WORDS_PER_CHUNK);
			String piece = ((i == 0) ? "" : " ") + String.join(" ", words.subList(i, end)) + ((end == words.size()) ? "." : "");
			events.add(head + "[{\"index\":0,\"delta\":{\"content\":" + Json.quote(piece)
					+ "},\"logprobs\":null,\"finish_reason\":null}]}");
		}
		events.add(head + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
		if (includeUsage) {
			StringBuilder usage = new StringBuilder(head).append("[],");
			appendUsage(usage, completion);
			events.add(usage.append('}').toString());
		}
		events.add("[DONE]");
		List<String> framed = new ArrayList<>(events.size());
		for (String event : events) {
			framed.add("data: " + event + "\n\n");
		}
		return framed;
	}

	private static UpstreamResponse embeddings(JsonNode request, String model) {
		JsonNode input = request.path("input");
		List<String> inputs = new ArrayList<>();
		if (input.isString()) {
			inputs.add(input.asString());
		}
		else if (input.isArray()) {
			for (JsonNode item : input) {
				inputs.add(item.toString());
			}
		}
		if (inputs.isEmpty()) {
			return error(400, "'input' must be a string or a non-empty array.");
		}
		int dimensions = request.path("dimensions").asInt(16);
		if (dimensions < 1 || dimensions > 4096) {
			return error(400, "'dimensions' must be between 1 and 4096.");
		}
		StringBuilder json = new StringBuilder(64 + inputs.size() * dimensions * 12);
		json.append("{\"object\":\"list\",\"data\":[");
		int tokens = 0;
		for (int i = 0; i < inputs.size(); i++) {
			tokens += MockCompletion.countTokens(inputs.get(i));
			json.append((i == 0) ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":[");
			double[] vector = MockEmbedding.of(inputs.get(i), dimensions);
			for (int d = 0; d < vector.length; d++) {
				json.append((d == 0) ? "" : ",").append((float) vector[d]);
			}
			json.append("]}");
		}
		json.append("],\"model\":");
		Json.appendString(json, model);
		json.append(",\"usage\":{\"prompt_tokens\":").append(tokens).append(",\"total_tokens\":").append(tokens).append("}}");
		return new MockResponse(200, "application/json", List.of(json.toString()));
	}

	private static void appendUsage(StringBuilder json, MockCompletion completion) {
		json.append("\"usage\":{\"prompt_tokens\":").append(completion.promptTokens());
		json.append(",\"completion_tokens\":").append(completion.completionTokens());
		json.append(",\"total_tokens\":").append(completion.promptTokens() + completion.completionTokens()).append('}');
	}

	/** The text of a message's content: a string, or the {@code text} of each part of an array. */
	private static String text(JsonNode content) {
		if (content.isString()) {
			return content.asString();
		}
		StringBuilder text = new StringBuilder();
		if (content.isArray()) {
			for (JsonNode part : content) {
				text.append(part.path("text").asString("")).append(part.path("image_url").path("url").asString(""));
			}
		}
		return text.toString();
	}

	private static UpstreamResponse error(int status, String message) {
		return new MockResponse(status, "application/json",
				List.of(new String(ErrorBodies.openAi(message, "invalid_request_error", "invalid_request", null),
						StandardCharsets.UTF_8)));
	}

	/** A response built in memory; each part of the body is one buffer (for a stream, one event). */
	private static final class MockResponse implements UpstreamResponse {

		private final int status;

		private final HttpHeaders headers;

		private final List<String> parts;

		MockResponse(int status, String contentType, List<String> parts) {
			this.status = status;
			this.parts = parts;
			this.headers = new DefaultHttpHeaders().set("content-type", contentType);
			if (parts.size() == 1) {
				this.headers.set("content-length", parts.get(0).getBytes(StandardCharsets.UTF_8).length);
			}
		}

		@Override
		public int status() {
			return this.status;
		}

		@Override
		public HttpHeaders headers() {
			return this.headers;
		}

		@Override
		public Flux<ByteBuf> body() {
			return Flux.fromIterable(this.parts).map(part -> Unpooled.wrappedBuffer(part.getBytes(StandardCharsets.UTF_8)));
		}

		@Override
		public void discard() {
			// nothing is held
		}

	}

}
