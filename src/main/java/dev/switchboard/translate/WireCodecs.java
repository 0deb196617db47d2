package dev.switchboard.translate;

import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.provider.WireFormat;
import dev.switchboard.translate.anthropic.AnthropicCodec;
import dev.switchboard.translate.gemini.GeminiCodec;
import dev.switchboard.translate.openai.OpenAiChatCodec;

/**
 * The codec of each wire format the gateway translates. A format without one could still be served when client and
 * provider both speak it, untranslated.
 */
public final class WireCodecs {

	private static final Map<WireFormat, WireCodec> CODECS = new EnumMap<>(WireFormat.class);

	static {
		CODECS.put(WireFormat.OPENAI, new OpenAiChatCodec());
		CODECS.put(WireFormat.ANTHROPIC, new AnthropicCodec());
		CODECS.put(WireFormat.GEMINI, new GeminiCodec());
	}

	private WireCodecs() {
	}

	/** The codec of {@code format}, or {@code null} when it has none yet. */
	public static @Nullable WireCodec of(WireFormat format) {
		return CODECS.get(format);
	}

}
