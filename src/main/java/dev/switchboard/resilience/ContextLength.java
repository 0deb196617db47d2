package dev.switchboard.resilience;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Recognises the providers' ways of saying "the prompt does not fit the context window" in an error body.
 */
public final class ContextLength {

	/** Markers, lower case: OpenAI and compatibles, Anthropic, Gemini, Mistral, vLLM and Ollama phrasings. */
	private static final List<String> MARKERS = List.of("context_length_exceeded", "prompt is too long",
			"maximum context length", "context window", "exceeds the maximum number of tokens",
			"too many tokens", "input is too long");

	private ContextLength() {
	}

	/** Whether an error {@code status} with this {@code body} means the context window was exceeded. */
	public static boolean isExceeded(int status, byte[] body) {
		if (status != 400 && status != 413 && status != 422) {
			return false;
		}
		String text = new String(body, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
		for (String marker : MARKERS) {
			if (text.contains(marker)) {
				return true;
			}
		}
		return false;
	}

}
