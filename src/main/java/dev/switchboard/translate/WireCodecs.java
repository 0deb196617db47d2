package dev.switchboard.translate;

import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.translate.anthropic.AnthropicCodec;
import dev.switchboard.translate.gemini.GeminiCodec;
import dev.switchboard.translate.openai.OpenAiChatCodec;
import dev.switchboard.translate.openai.OpenAiResponsesCodec;

/**
 * The codec of each wire format the gateway translates. A format without one could still be served when client and
 * provider both speak it, untranslated.
 */
public final class WireCodecs {

	private static final Map<WireFormat, WireCodec> CODECS = new EnumMap<>(WireFormat.class);

	private static final Map<Endpoint, WireCodec> CLIENT_CODECS = new EnumMap<>(Endpoint.class);

	static {
		CODECS.put(WireFormat.OPENAI, new OpenAiChatCodec());
		CODECS.put(WireFormat.ANTHROPIC, new AnthropicCodec());
		CODECS.put(WireFormat.GEMINI, new GeminiCodec());
		for (WireCodec codec : CODECS.values()) {
			CLIENT_CODECS.put(codec.chatEndpoint(), codec);
		}
		// a client-side codec only: providers of the OpenAI format are called on Chat Completions
		CLIENT_CODECS.put(Endpoint.RESPONSES, new OpenAiResponsesCodec());
	}

	private WireCodecs() {
	}

	/**
	 * The codec that a client calling {@code endpoint} speaks, or {@code null} when the endpoint is not translated
	 * (embeddings, token counts).
	 */
	public static @Nullable WireCodec client(Endpoint endpoint) {
		return CLIENT_CODECS.get(endpoint);
	}

	/** The codec of providers of {@code format}, or {@code null} when it has none yet. */
	public static @Nullable WireCodec of(WireFormat format) {
		return CODECS.get(format);
	}

}
