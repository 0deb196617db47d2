package dev.switchboard.translate.anthropic;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.support.ErrorBodies;
import dev.switchboard.translate.ApiError;
import dev.switchboard.translate.JsonTrees;
import dev.switchboard.translate.StreamDecoder;
import dev.switchboard.translate.StreamEncoder;
import dev.switchboard.translate.TranslationContext;
import dev.switchboard.translate.TranslationNotes;
import dev.switchboard.translate.WireCodec;
import dev.switchboard.translate.openai.OpenAiChatCodec;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}) to and from the hub.
 */
public final class AnthropicCodec implements WireCodec {

	@Override
	public WireFormat format() {
		return WireFormat.ANTHROPIC;
	}

	@Override
	public Endpoint chatEndpoint() {
		return Endpoint.MESSAGES;
	}

	@Override
	public ObjectNode requestToHub(ObjectNode request, TranslationNotes notes) {
		return AnthropicRequests.toChat(request, notes);
	}

	@Override
	public ObjectNode requestFromHub(ObjectNode request, TranslationNotes notes) {
		return AnthropicRequests.fromChat(request, notes);
	}

	@Override
	public ObjectNode responseToHub(ObjectNode response, TranslationContext context) {
		return AnthropicResponses.toChat(response, context);
	}

	@Override
	public ObjectNode responseFromHub(ObjectNode response, ObjectNode clientRequest, TranslationContext context) {
		return AnthropicResponses.fromChat(response, thinkingEnabled(clientRequest));
	}

	@Override
	public StreamDecoder streamToHub(TranslationContext context) {
		return new AnthropicStreamDecoder(context);
	}

	@Override
	public StreamEncoder streamFromHub(ObjectNode clientRequest, TranslationContext context) {
		return new AnthropicStreamEncoder(thinkingEnabled(clientRequest));
	}

	/** {@code {"type":"error","error":{"type":...,"message":...}}}; anything else by its status and text. */
	@Override
	public ApiError errorToHub(int status, byte[] body) {
		ObjectNode root = JsonTrees.parseObject(body);
		JsonNode error = (root != null) ? root.get("error") : null;
		if (error != null && error.isObject()) {
			String type = JsonTrees.string(error, "type");
			String message = JsonTrees.string(error, "message");
			return new ApiError((type != null) ? type : ErrorBodies.anthropicType(status),
					(message != null) ? message : "HTTP " + status, null, null);
		}
		return new ApiError(ErrorBodies.anthropicType(status), OpenAiChatCodec.rawMessage(status, body), null, null);
	}

	/**
	 * Anthropic's error shape, with Anthropic's type for the status. Another format's code (OpenAI's
	 * {@code context_length_exceeded}, the gateway's {@code unsupported_parameter}) leads the message, so it stays
	 * visible.
	 */
	@Override
	public byte[] errorFromHub(int status, ApiError error) {
		String message = (error.code() != null) ? error.code() + ": " + error.message() : error.message();
		return ErrorBodies.anthropic(ErrorBodies.anthropicType(status), message);
	}

	/** Whether the client's request turned extended thinking on. */
	private static boolean thinkingEnabled(ObjectNode clientRequest) {
		String type = JsonTrees.string(clientRequest.path("thinking"), "type");
		return type != null && !type.equals("disabled");
	}

}
