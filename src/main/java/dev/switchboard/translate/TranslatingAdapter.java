package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 * When the formats match, the call goes to the provider's adapter as it is: no parsing, no re-serialisation, the
 * passthrough path costs one comparison. A request the provider's format cannot express is answered here, without an
 * upstream request, with a 400 in the client's format; {@code count_tokens} for a provider that is not Anthropic is
 * answered with a local {@link TokenEstimate}.
 */
public final class TranslatingAdapter implements ProviderAdapter {

	private final ProviderAdapter delegate;

	private final WireFormat format;

	public TranslatingAdapter(ProviderAdapter delegate, WireFormat format) {
		this.delegate = delegate;
		this.format = format;
	}

	@Override
	public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
		if (inbound == this.format) {
			return this.delegate.unsupportedReason(endpoint, inbound);
		}
		if (endpoint == Endpoint.COUNT_TOKENS) {
			return null;
		}
		WireCodec client = WireCodecs.of(inbound);
		WireCodec provider = WireCodecs.of(this.format);
		if (client == null || provider == null) {
			return "translation between the " + name(inbound) + " and " + name(this.format)
					+ " formats is not available yet";
		}
		if (client.chatEndpoint() != endpoint) {
			return "a provider of the " + name(this.format) + " format cannot serve POST " + endpoint.path();
		}
		return this.delegate.unsupportedReason(provider.chatEndpoint(), this.format);
	}

	@Override
	public Mono<UpstreamResponse> exchange(UpstreamCall call) {
		WireFormat inbound = call.endpoint().format();
		if (inbound == this.format) {
			return this.delegate.exchange(call);
		}
		return Mono.defer(() -> {
			ObjectNode request = read(call.body());
			if (request == null) {
				return Mono.just(new LocalResponse(400, codec(inbound).errorFromHub(400,
						new ApiError("invalid_request_error", "The request body is not a JSON object.", "invalid_json", null))));
			}
			if (call.endpoint() == Endpoint.COUNT_TOKENS) {
				byte[] body = ("{\"input_tokens\":" + TokenEstimate.of(request) + "}").getBytes(StandardCharsets.UTF_8);
				return Mono.just(new LocalResponse(200, body).header(TokenEstimate.HEADER, "estimate"));
			}
			return translated(call, inbound, request);
		});
	}

	private Mono<UpstreamResponse> translated(UpstreamCall call, WireFormat inbound, ObjectNode request) {
		WireCodec client = codec(inbound);
		WireCodec provider = codec(this.format);
		TranslationNotes notes = new TranslationNotes();
		ObjectNode upstream;
		try {
			upstream = provider.requestFromHub(client.requestToHub(request.deepCopy(), notes), notes);
		}
		catch (UntranslatableRequestException ex) {
			String message = "The request cannot be sent to this target (" + name(this.format) + " format): "
					+ ex.getMessage() + ".";
			return Mono.just(new LocalResponse(400, client.errorFromHub(400,
					new ApiError("invalid_request_error", message, "unsupported_parameter", ex.param()))));
		}
		UpstreamCall translated = new UpstreamCall(provider.chatEndpoint(), call.model(),
				Unpooled.wrappedBuffer(JsonTrees.bytes(upstream)), headers(call.forwardedHeaders(), notes), call.stream(),
				call.credential());
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
