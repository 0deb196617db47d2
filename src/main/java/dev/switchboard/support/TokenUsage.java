package dev.switchboard.support;

/**
 * Tokens an answer used, as far as it says: {@code -1} for a count it did not give (an embeddings answer has no
 * output tokens; a stream carries usage only when asked for it). Input counts every prompt token, cached ones
 * included (Anthropic's {@code cache_read_input_tokens} and {@code cache_creation_input_tokens} are added to its
 * {@code input_tokens}), so that input times the input price less the cached discount is the cost; output counts
 * reasoning tokens too, as every provider bills them.
 *
 * @param inputTokens prompt tokens ({@code prompt_tokens} or {@code input_tokens}), or -1
 * @param outputTokens completion tokens ({@code completion_tokens} or {@code output_tokens}), or -1
 * @param cachedInputTokens of the input, those read from the provider's prompt cache ({@code cached_tokens},
 * {@code cache_read_input_tokens}); 0 when none were reported
 * @param reasoningTokens of the output, those spent reasoning ({@code reasoning_tokens}); 0 when none were reported
 * @param estimated whether the gateway counted these with its tokenizer because the provider reported nothing
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens,
		boolean estimated) {

	/** An answer that reported no usage. */
	public static final TokenUsage UNKNOWN = new TokenUsage(-1, -1);

	/** Reported input and output tokens, nothing cached, no reasoning. */
	public TokenUsage(long inputTokens, long outputTokens) {
		this(inputTokens, outputTokens, 0, 0, false);
	}

	public boolean known() {
		return this.inputTokens >= 0 || this.outputTokens >= 0;
	}

	/** Input plus output, counting an unknown one as 0. */
	public long totalTokens() {
		return Math.max(0, this.inputTokens) + Math.max(0, this.outputTokens);
	}

}
