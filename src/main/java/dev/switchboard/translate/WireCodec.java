package dev.switchboard.translate;

import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.WireFormat;

/**
 * Translates one wire format to and from the hub, OpenAI Chat Completions. Implementations are stateless and
 * thread-safe; the stream translators they create serve one stream each.
 * <p>
 * Hub conventions every codec keeps, so that any two codecs compose:
 * <ul>
 * <li>A hub request is a Chat Completions request. {@code max_completion_tokens} carries the output limit, reasoning
 * in the history is not carried, and a streamed request asks for usage.</li>
 * <li>A hub response is a {@code chat.completion} with one choice; reasoning text is
 * {@code message.reasoning_content}; {@code usage.prompt_tokens} counts every input token, cached ones included
 * ({@code prompt_tokens_details.cached_tokens}).</li>
 * <li>A hub stream is a sequence of {@code chat.completion.chunk} objects: text in {@code delta.content}, reasoning in
 * {@code delta.reasoning_content}, tool calls in {@code delta.tool_calls} (the first chunk of a call has its
 * {@code index}, {@code id} and {@code function.name}, later ones only {@code index} and argument text), one chunk
 * with {@code finish_reason}, and, when the provider reported usage, a last chunk with no choices and a
 * {@code usage} object; then the end ({@code [DONE]}). A stream decoder never buffers: each provider event becomes
 * its chunks at once.</li>
 * <li>Errors are {@link ApiError}s: a type, a message, an optional code and param; the HTTP status stays as the
 * provider sent it.</li>
 * </ul>
 * A request that cannot be expressed in the target format throws {@link UntranslatableRequestException} (the client
 * gets a 400 in its own format); a parameter that can be left out without changing the answer's meaning is dropped
 * and named in {@link TranslationNotes}.
 * <p>
 * A format that only clients speak through the hub (the Responses API: OpenAI-format providers are called on Chat
 * Completions) may throw {@link UnsupportedOperationException} from the provider-side methods
 * ({@link #requestFromHub}, {@link #responseToHub}, {@link #streamToHub}): {@link TranslatingAdapter} picks a client's
 * codec by the endpoint it called ({@link WireCodecs#client}) and a provider's by its format ({@link WireCodecs#of}).
 */
public interface WireCodec {

	/** The format this codec speaks. */
	WireFormat format();

	/** The endpoint of this format that serves chat: where its clients call and where its providers are called. */
	Endpoint chatEndpoint();

	/** A client's request in this format as a hub request. */
	ObjectNode requestToHub(ObjectNode request, TranslationNotes notes);

	/** A hub request in this format, to send to a provider; {@code model} is already the target's. */
	ObjectNode requestFromHub(ObjectNode request, TranslationNotes notes);

	/** A provider's whole answer in this format as a hub response. */
	ObjectNode responseToHub(ObjectNode response, TranslationContext context);

	/**
	 * A hub response in this format, for the client that sent {@code clientRequest} (in this format).
	 */
	ObjectNode responseFromHub(ObjectNode response, ObjectNode clientRequest, TranslationContext context);

	/** A fresh translator from a provider's stream in this format to hub chunks. */
	StreamDecoder streamToHub(TranslationContext context);

	/**
	 * A fresh translator from hub chunks to this format's client events, for the client that sent
	 * {@code clientRequest}. It keeps what it needs of the request, not the request.
	 */
	StreamEncoder streamFromHub(ObjectNode clientRequest, TranslationContext context);

	/** A provider's error body in this format (any bytes: it may not be JSON at all). */
	ApiError errorToHub(int status, byte[] body);

	/** An error body in this format for a client, answered with {@code status}. */
	byte[] errorFromHub(int status, ApiError error);

}
