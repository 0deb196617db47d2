package dev.switchboard.provider;

/**
 * The request and response format a client speaks or a provider expects.
 */
public enum WireFormat {

	/** OpenAI's Chat Completions, Embeddings and Responses APIs, and every API that copies them. */
	OPENAI,

	/** Anthropic's Messages API. */
	ANTHROPIC,

	/** Google's Gemini {@code generateContent} API. */
	GEMINI

}
