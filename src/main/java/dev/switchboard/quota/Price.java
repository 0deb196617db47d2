package dev.switchboard.quota;

import dev.switchboard.support.TokenUsage;

/**
 * US dollars per million tokens.
 *
 * @param input per million input tokens not read from a cache
 * @param output per million output tokens, reasoning included
 * @param cachedInput per million input tokens read from the provider's prompt cache
 */
public record Price(double input, double output, double cachedInput) {

	public Price(double input, double output) {
		this(input, output, input);
	}

	/** The cost of {@code usage} in millionths of a dollar, rounded to the nearest. */
	public long microUsd(TokenUsage usage) {
		long in = Math.max(0, usage.inputTokens());
		long cached = Math.min(in, Math.max(0, usage.cachedInputTokens()));
		long out = Math.max(0, usage.outputTokens());
		// per-million prices times tokens are micro-dollars directly
		return Math.round((in - cached) * this.input + cached * this.cachedInput + out * this.output);
	}

	/** The cost of {@code inputTokens} and {@code outputTokens}, none cached, in millionths of a dollar. */
	public long microUsd(long inputTokens, long outputTokens) {
		return Math.round(Math.max(0, inputTokens) * this.input + Math.max(0, outputTokens) * this.output);
	}

}
