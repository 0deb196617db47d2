package dev.switchboard.translate.gemini;

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
 * Google's Gemini {@code generateContent} API to and from the hub, both as a provider format (requests go out,
 * answers, streams and errors come back) and as a client format, for Gemini CLI and Google's SDKs calling
 * {@code /v1beta/models/{model}:generateContent} ({@link GeminiClientRequests}, {@link GeminiClientAnswers},
 * {@link GeminiStreamEncoder}).
 */
public final class GeminiCodec implements WireCodec {

	@Override
	public WireFormat format() {
		return WireFormat.GEMINI;
	}

	@Override
	public Endpoint chatEndpoint() {
		return Endpoint.GENERATE_CONTENT;
	}

	@Override
	public ObjectNode requestToHub(ObjectNode request, TranslationNotes notes) {
		return GeminiClientRequests.toChat(request, notes);
	}

	@Override
	public ObjectNode requestFromHub(ObjectNode request, TranslationNotes notes) {
		return GeminiRequests.fromChat(request, notes);
	}

	@Override
	public ObjectNode responseToHub(ObjectNode response, TranslationContext context) {
		return GeminiResponses.toChat(response, context);
	}

	@Override
	public ObjectNode responseFromHub(ObjectNode response, ObjectNode clientRequest, TranslationContext context) {
		return GeminiClientAnswers.fromChat(response);
	}

	@Override
	public StreamDecoder streamToHub(TranslationContext context) {
		return new GeminiStreamDecoder(context);
	}

	@Override
	public StreamEncoder streamFromHub(ObjectNode clientRequest, TranslationContext context) {
		return new GeminiStreamEncoder();
	}

	/**
	 * {@code {"error":{"code":429,"message":...,"status":"RESOURCE_EXHAUSTED"}}} (also inside a one-element array,
	 * as Gemini sometimes sends it): the type by HTTP status, Gemini's status as the code. Anything else by its status
	 * and text.
	 */
	@Override
	public ApiError errorToHub(int status, byte[] body) {
		JsonNode root = JsonTrees.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8));
		if (root != null && root.isArray() && root.size() == 1) {
			root = root.get(0);
		}
		JsonNode error = (root != null) ? root.get("error") : null;
		if (error != null && error.isObject()) {
			String message = JsonTrees.string(error, "message");
			return new ApiError(OpenAiChatCodec.typeFor(status), (message != null) ? message : "HTTP " + status,
					JsonTrees.nonEmpty(error, "status"), null);
		}
		return new ApiError(OpenAiChatCodec.typeFor(status), OpenAiChatCodec.rawMessage(status, body), null, null);
	}

	@Override
	public byte[] errorFromHub(int status, ApiError error) {
		return ErrorBodies.gemini(status, error.message());
	}

}
