package dev.switchboard.support;

/**
 * Tokens an upstream answer says it used, as far as it says: {@code -1} for a count it did not give (an embeddings
 * answer has no output tokens; a stream carries usage only when the client asked for it).
 *
 * @param inputTokens prompt tokens ({@code prompt_tokens} or {@code input_tokens}), or -1
 * @param outputTokens completion tokens ({@code completion_tokens} or {@code output_tokens}), or -1
 */
public record TokenUsage(long inputTokens, long outputTokens) {

	/** An answer that reported no usage. */
	public static final TokenUsage UNKNOWN = new TokenUsage(-1, -1);

	public boolean known() {
		return this.inputTokens >= 0 || this.outputTokens >= 0;
	}

}
