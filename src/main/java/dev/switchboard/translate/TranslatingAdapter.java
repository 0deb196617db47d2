package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.ProviderAdapter;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.WireFormat;

/**
 * Lets a provider serve clients of every format: wraps the provider's own adapter and, when the client's format is
 * not the provider's, translates the request through the hub on the way out and the answer (JSON, stream or error)
 * on the way back, so the client always gets its own format.
 * <p>
 * When the provider serves the client's endpoint in the client's format, the call goes to the provider's adapter as
 * it is: no parsing, no re-serialisation, the passthrough path costs a comparison and an enum-set lookup. A request the provider's format cannot express is answered here, without an
 * upstream request, with a 400 in the client's format; a token count for a provider of another format is answered
 * with a local {@link TokenEstimate}.
 * <p>
 * The client's codec is chosen by the endpoint, not only the format: a Responses API client and a Chat Completions
 * client both speak OpenAI's format, but a provider that serves only chat (the mock, or any provider of another
 * format) gets a Responses request through the hub. An endpoint the provider serves in the client's own format
 * (Responses to OpenAI or Azure) stays a passthrough, byte for byte.
 */
public final class TranslatingAdapter implements ProviderAdapter {

	private final ProviderAdapter delegate;

	private final WireFormat format;

	/** The endpoints the provider serves itself, in its own format: passed through untranslated. */
	private final Set<Endpoint> served = EnumSet.noneOf(Endpoint.class);

	public TranslatingAdapter(ProviderAdapter delegate, WireFormat format) {
		this.delegate = delegate;
		this.format = format;
		for (Endpoint endpoint : Endpoint.values()) {
			if (endpoint.format() == format && delegate.unsupportedReason(endpoint, format) == null) {
				this.served.add(endpoint);
			}
		}
	}

	@Override
	public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
		if (inbound == this.format && this.served.contains(endpoint)) {
			return null;
		}
		if (endpoint.countsTokens()) {
			return null;
		}
		WireCodec client = WireCodecs.client(endpoint);
		WireCodec provider = WireCodecs.of(this.format);
		if (client == null || provider == null) {
			return (inbound == this.format) ? this.delegate.unsupportedReason(endpoint, inbound)
					: "a provider of the " + name(this.format) + " format cannot serve POST " + endpoint.path();
		}
		return this.delegate.unsupportedReason(provider.chatEndpoint(), this.format);
	}

	@Override
	public Mono<UpstreamResponse> exchange(UpstreamCall call) {
		WireFormat inbound = call.endpoint().format();
		if (inbound == this.format
				&& (this.served.contains(call.endpoint()) || WireCodecs.client(call.endpoint()) == null)) {
			// the provider's own endpoint, or one no codec translates: the provider answers (or refuses) it itself
			return this.delegate.exchange(call);
		}
		return Mono.defer(() -> {
			ObjectNode request = read(call.body());
			if (request == null) {
				return Mono.just(new LocalResponse(400, clientCodec(call.endpoint()).errorFromHub(400,
						new ApiError("invalid_request_error", "The request body is not a JSON object.", "invalid_json", null))));
			}
			if (call.endpoint() == Endpoint.COUNT_TOKENS) {
				byte[] body = ("{\"input_tokens\":" + TokenEstimate.of(request) + "}").getBytes(StandardCharsets.UTF_8);
				return Mono.just(new LocalResponse(200, body).header(TokenEstimate.HEADER, "estimate"));
			}
			if (call.endpoint() == Endpoint.GEMINI_COUNT_TOKENS) {
				byte[] body = ("{\"totalTokens\":" + TokenEstimate.ofGemini(request) + "}").getBytes(StandardCharsets.UTF_8);
				return Mono.just(new LocalResponse(200, body).header(TokenEstimate.HEADER, "estimate"));
			}
			return translated(call, request);
		});
	}

	private Mono<UpstreamResponse> translated(UpstreamCall call, ObjectNode request) {
		WireCodec client = clientCodec(call.endpoint());
		WireCodec provider = codec(this.format);
		TranslationNotes notes = new TranslationNotes();
		ObjectNode upstream;
		try {
			ObjectNode hub = client.requestToHub(request.deepCopy(), notes);
			// a Gemini client names the model in its URL only; the hub request carries it
			hub.put("model", call.model());
			if (call.stream()) {
				hub.put("stream", true);
			}
			upstream = provider.requestFromHub(hub, notes);
		}
		catch (UntranslatableRequestException ex) {
			String message = "The request cannot be sent to this target (" + name(this.format) + " format): "
					+ ex.getMessage() + ".";
			return Mono.just(new LocalResponse(400, client.errorFromHub(400,
					new ApiError("invalid_request_error", message, "unsupported_parameter", ex.param()))));
		}
		UpstreamCall translated = new UpstreamCall(provider.chatEndpoint(), call.model(),
				Unpooled.wrappedBuffer(JsonTrees.bytes(upstream)), headers(call.forwardedHeaders(), notes), call.stream());
		TranslationContext context = TranslationContext.now();
		List<String> dropped = new ArrayList<>(notes.dropped());
		return this.delegate.exchange(translated)
			.map(response -> new TranslatedResponse(response, client, provider, request, call.stream(), dropped, context));
	}

	/**
	 * The client's headers for a provider of another format: another format's version and beta headers mean nothing
	 * there ({@code anthropic-version} to OpenAI, {@code openai-beta} to Anthropic).
	 */
	private HttpHeaders headers(HttpHeaders forwarded, TranslationNotes notes) {
		HttpHeaders headers = new DefaultHttpHeaders();
		forwarded.forEach(entry -> {
			String name = entry.getKey().toLowerCase(Locale.ROOT);
			boolean foreign = (this.format != WireFormat.ANTHROPIC && name.startsWith("anthropic-"))
					|| (this.format != WireFormat.OPENAI && name.startsWith("openai-"));
			if (!foreign) {
				headers.add(entry.getKey(), entry.getValue());
			}
		});
		notes.upstreamHeaders().forEach(headers::set);
		return headers;
	}

	private static @Nullable ObjectNode read(ByteBuf body) {
		try {
			return JsonTrees.parseObject(ByteBufUtil.getBytes(body));
		}
		finally {
			body.release();
		}
	}

	/** The codec of the endpoint's clients; for one no codec serves (embeddings), that of its format, for errors. */
	private static WireCodec clientCodec(Endpoint endpoint) {
		WireCodec client = WireCodecs.client(endpoint);
		return (client != null) ? client : codec(endpoint.format());
	}

	private static WireCodec codec(WireFormat format) {
		WireCodec codec = WireCodecs.of(format);
		if (codec == null) {
			throw new IllegalStateException("no codec for " + format);
		}
		return codec;
	}

	private static String name(WireFormat format) {
		return format.name().toLowerCase(Locale.ROOT);
	}

}
