package dev.switchboard.translate.openai;

import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.support.ErrorBodies;
import dev.switchboard.translate.ApiError;
import dev.switchboard.translate.StreamDecoder;
import dev.switchboard.translate.StreamEncoder;
import dev.switchboard.translate.TranslationContext;
import dev.switchboard.translate.TranslationNotes;
import dev.switchboard.translate.WireCodec;

/**
 * OpenAI's Responses API ({@code POST /v1/responses}) to and from the hub, as a client format: a Responses request
 * becomes a Chat Completions request ({@link ResponsesRequests}), and the answer a {@code response} object or a
 * Responses event stream ({@link ResponsesStreamEncoder}). Errors keep OpenAI's shape.
 * <p>
 * Only clients speak it through the hub: a provider of the OpenAI format is called on its own {@code /responses}
 * when the client speaks Responses (a passthrough, never translated) and on Chat Completions otherwise, so the
 * provider-side methods ({@link #requestFromHub}, {@link #responseToHub}, {@link #streamToHub}) are never called and
 * throw {@link UnsupportedOperationException}.
 */
public final class OpenAiResponsesCodec implements WireCodec {

	private final OpenAiChatCodec chat = new OpenAiChatCodec();

	@Override
	public WireFormat format() {
		return WireFormat.OPENAI;
	}

	@Override
	public Endpoint chatEndpoint() {
		return Endpoint.RESPONSES;
	}

	@Override
	public ObjectNode requestToHub(ObjectNode request, TranslationNotes notes) {
		return ResponsesRequests.toChat(request, notes);
	}

	@Override
	public ObjectNode requestFromHub(ObjectNode request, TranslationNotes notes) {
		throw providerSide();
	}

	@Override
	public ObjectNode responseToHub(ObjectNode response, TranslationContext context) {
		throw providerSide();
	}

	@Override
	public ObjectNode responseFromHub(ObjectNode response, ObjectNode clientRequest, TranslationContext context) {
		return ResponsesAnswers.fromChat(response, clientRequest, context.created());
	}

	@Override
	public StreamDecoder streamToHub(TranslationContext context) {
		throw providerSide();
	}

	@Override
	public StreamEncoder streamFromHub(ObjectNode clientRequest, TranslationContext context) {
		return new ResponsesStreamEncoder(clientRequest, context.created());
	}

	@Override
	public ApiError errorToHub(int status, byte[] body) {
		return this.chat.errorToHub(status, body);
	}

	@Override
	public byte[] errorFromHub(int status, ApiError error) {
		return ErrorBodies.openAi(error.message(), error.type(), error.code(), error.param());
	}

	private static UnsupportedOperationException providerSide() {
		return new UnsupportedOperationException(
				"the Responses API is a client format only: OpenAI-format providers are called on Chat Completions");
	}

}
