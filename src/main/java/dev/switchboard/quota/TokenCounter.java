package dev.switchboard.quota;

import java.util.Set;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import dev.switchboard.support.Json;

/**
 * Counts tokens with a real BPE tokenizer (jtokkit: OpenAI's {@code o200k_base} and {@code cl100k_base}) where a
 * provider reported none: a request's prompt before admission (its reservation), and the text a stream produced when
 * it ended without usage (a client that left, a server that ignores {@code include_usage}). Exact for OpenAI models;
 * for other families' tokenizers it is an estimate within a few tens of percent, which is why such usage is marked
 * estimated.
 * <p>
 * Both encodings are loaded when the counter is made (class-path reads), never on the request path. Counting is CPU
 * work, linear in the text: callers count large texts off the event loop.
 */
public final class TokenCounter {

	/** Tokens a chat message adds beyond its text (role, separators), as OpenAI documents for its chat format. */
	static final int PER_MESSAGE = 4;

	/** Strings that are not prompt text: identifiers and enumerations. */
	private static final Set<String> NOT_TEXT = Set.of("model", "role", "type", "id", "tool_call_id", "tool_choice",
			"stop", "user", "service_tier", "reasoning_effort", "format", "media_type", "detail", "url", "image_url",
			"file_id", "data", "mime_type");

	private final Encoding o200k;

	private final Encoding cl100k;

	public TokenCounter() {
		EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
		this.o200k = registry.getEncoding(EncodingType.O200K_BASE);
		this.cl100k = registry.getEncoding(EncodingType.CL100K_BASE);
		// load both now: the first count reads the encoding's file
		this.o200k.countTokensOrdinary("warm up");
		this.cl100k.countTokensOrdinary("warm up");
	}

	/**
	 * Tokens of {@code text} as {@code model}'s tokenizer counts them (o200k unless an older OpenAI model). ASCII
	 * text is counted with cl100k whatever the model: jtokkit splits it with a hand-written parser, 5-6x faster than
	 * o200k's regular expression, and on English prose and code the two agree within half a percent (measured on this
	 * code base and its README); where they part (other scripts, where o200k's larger vocabulary counts 1.2-2.5x
	 * fewer tokens), the model's own encoding counts.
	 */
	public int count(String text, String model) {
		Encoding encoding = (isAscii(text)) ? this.cl100k : encoding(model);
		return encoding.countTokensOrdinary(text);
	}

	private static boolean isAscii(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) >= 0x80) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The prompt tokens of a request body ({@code messages}, {@code system}, {@code input}, {@code tools}...): every
	 * string that is prompt text, plus {@value #PER_MESSAGE} per message (per {@code role}); base64 images and file data do
	 * not count as text.
	 */
	public int prompt(byte[] body, String model) {
		StringBuilder text = new StringBuilder(Math.min(body.length, 1 << 16));
		int messages = 0;
		try (JsonParser parser = Json.parser(body)) {
			String field = null;
			JsonToken token;
			while ((token = parser.nextToken()) != null) {
				if (token == JsonToken.PROPERTY_NAME) {
					field = parser.currentName();
					if (field.equals("role")) {
						messages++;
					}
				}
				else if (token == JsonToken.VALUE_STRING) {
					String value = parser.getString();
					if ((field == null || !NOT_TEXT.contains(field)) && !value.startsWith("data:")) {
						text.append(value).append('\n');
					}
				}
			}
		}
		catch (JacksonException ex) {
			// a body the parser rejects was already refused; count what was read
		}
		return count(text.toString(), model) + messages * PER_MESSAGE;
	}

	/**
	 * The output limit a request names at its top level ({@code max_tokens}, {@code max_completion_tokens},
	 * {@code max_output_tokens}, Gemini's {@code generationConfig.maxOutputTokens}), or -1 when it names none.
	 */
	public static long maxOutputTokens(byte[] body) {
		try (JsonParser parser = Json.parser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return -1;
			}
			long max = -1;
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if (value == JsonToken.VALUE_NUMBER_INT && (name.equals("max_tokens") || name.equals("max_completion_tokens")
						|| name.equals("max_output_tokens"))) {
					max = Math.max(max, parser.getLongValue());
				}
				else if (value == JsonToken.START_OBJECT && name.equals("generationConfig")) {
					// Gemini's request names it inside generationConfig
					while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
						String inner = parser.currentName();
						if (parser.nextToken() == JsonToken.VALUE_NUMBER_INT && inner.equals("maxOutputTokens")) {
							max = Math.max(max, parser.getLongValue());
						}
						else {
							parser.skipChildren();
						}
					}
				}
				else {
					parser.skipChildren();
				}
			}
			return max;
		}
		catch (JacksonException ex) {
			return -1;
		}
	}

	private Encoding encoding(String model) {
		boolean older = model.startsWith("gpt-3.5") || (model.startsWith("gpt-4") && !model.startsWith("gpt-4o")
				&& !model.startsWith("gpt-4.1") && !model.startsWith("gpt-4.5"))
				|| model.startsWith("text-embedding");
		return older ? this.cl100k : this.o200k;
	}

}
