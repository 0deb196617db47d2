package dev.switchboard.translate.openai;

import java.nio.charset.StandardCharsets;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.support.ErrorBodies;
import dev.switchboard.translate.ApiError;
import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.SseEvent;
import dev.switchboard.translate.StreamDecoder;
import dev.switchboard.translate.StreamEncoder;
import dev.switchboard.translate.TranslationContext;
import dev.switchboard.translate.TranslationNotes;
import dev.switchboard.translate.UpstreamStreamException;
import dev.switchboard.translate.WireCodec;

/**
 * OpenAI Chat Completions, the hub: requests and responses pass as they are, streams are parsed to chunks and written
 * back. Two things are not the identity: a streamed request sent to a provider always asks for usage
 * ({@code stream_options.include_usage}), since another format's client needs it; and a client gets the usage chunk
 * only when it asked for it.
 */
public final class OpenAiChatCodec implements WireCodec {

	@Override
	public WireFormat format() {
		return WireFormat.OPENAI;
	}

	@Override
	public Endpoint chatEndpoint() {
		return Endpoint.CHAT_COMPLETIONS;
	}

	@Override
	public ObjectNode requestToHub(ObjectNode request, TranslationNotes notes) {
		return request;
	}

	@Override
	public ObjectNode requestFromHub(ObjectNode request, TranslationNotes notes) {
		if (request.remove("thinking") != null) {
			// an Anthropic client's thinking: no Chat Completions parameter that every model accepts (reasoning
			// models reason anyway, and their reasoning comes back as thinking)
			notes.dropped("thinking");
		}
		if (request.remove("top_k") != null) {
			// Anthropic's and Gemini's sampling cut-off: OpenAI refuses the parameter
			notes.dropped("top_k");
		}
		if (request.path("stream").asBoolean(false)) {
			ObjectNode options = (request.get("stream_options") instanceof ObjectNode existing) ? existing
					: request.putObject("stream_options");
			options.put("include_usage", true);
		}
		return request;
	}

	@Override
	public ObjectNode responseToHub(ObjectNode response, TranslationContext context) {
		return response;
	}

	@Override
	public ObjectNode responseFromHub(ObjectNode response, ObjectNode clientRequest, TranslationContext context) {
		return response;
	}

	@Override
	public StreamDecoder streamToHub(TranslationContext context) {
		return OpenAiChatCodec::decode;
	}

	@Override
	public StreamEncoder streamFromHub(ObjectNode clientRequest, TranslationContext context) {
		return new Encoder(clientRequest.path("stream_options").path("include_usage").asBoolean(false));
	}

	@Override
	public ApiError errorToHub(int status, byte[] body) {
		ObjectNode root = JsonTrees.parseObject(body);
		JsonNode error = (root != null) ? root.get("error") : null;
		if (error instanceof ObjectNode object) {
			String message = JsonTrees.string(object, "message");
			String type = JsonTrees.string(object, "type");
			return new ApiError((type != null) ? type : typeFor(status), (message != null) ? message : "HTTP " + status,
					JsonTrees.string(object, "code"), JsonTrees.string(object, "param"));
		}
		if (error != null && error.isString()) {
			return new ApiError(typeFor(status), error.stringValue(), null, null);
		}
		return new ApiError(typeFor(status), rawMessage(status, body), null, null);
	}

	@Override
	public byte[] errorFromHub(int status, ApiError error) {
		return ErrorBodies.openAi(error.message(), error.type(), error.code(), error.param());
	}

	/** The error body's start as text, for providers whose errors are not JSON. */
	public static String rawMessage(int status, byte[] body) {
		String text = new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8).strip();
		return text.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + text;
	}

	/** OpenAI's error type for an HTTP status, for providers whose errors name none. */
	public static String typeFor(int status) {
		return switch (status) {
			case 401 -> "authentication_error";
			case 403 -> "permission_error";
			case 404 -> "not_found_error";
			case 429 -> "rate_limit_error";
			default -> (status >= 500) ? "api_error" : "invalid_request_error";
		};
	}

	private static boolean decode(SseEvent event, List<ObjectNode> out) {
		String data = event.data();
		if (data.isEmpty()) {
			return false;
		}
		if (data.equals("[DONE]")) {
			return true;
		}
		ObjectNode chunk = JsonTrees.parseObject(data);
		if (chunk == null) {
			throw new UpstreamStreamException("The upstream stream sent an event that is not a JSON object.");
		}
		JsonNode error = chunk.get("error");
		if (error != null && !error.isNull()) {
			String message = error.isObject() ? error.path("message").asString("") : error.asString("");
			throw new UpstreamStreamException("The upstream stream reported an error: " + message);
		}
		out.add(chunk);
		return false;
	}

	/** Hub chunks as {@code data:} events; the usage chunk only for a client that asked for usage. */
	private static final class Encoder implements StreamEncoder {

		private final boolean includeUsage;

		Encoder(boolean includeUsage) {
			this.includeUsage = includeUsage;
		}

		@Override
		public void encode(ObjectNode chunk, StringBuilder out) {
			JsonNode choices = chunk.get("choices");
			boolean usageOnly = (choices == null || choices.isEmpty()) && JsonTrees.present(chunk, "usage");
			if (usageOnly && !this.includeUsage) {
				return;
			}
			if (!this.includeUsage && chunk.has("usage")) {
				chunk.remove("usage");
			}
			out.append("data: ").append(JsonTrees.text(chunk)).append("\n\n");
		}

		@Override
		public void end(StringBuilder out) {
			out.append("data: [DONE]\n\n");
		}

	}

}
