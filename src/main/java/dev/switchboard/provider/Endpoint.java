package dev.switchboard.provider;

/**
 * The API endpoints the gateway serves or calls, each with the wire format its clients speak and the path it has
 * under an OpenAI-type base URL.
 */
public enum Endpoint {

	/** {@code POST /v1/chat/completions}. */
	CHAT_COMPLETIONS("/v1/chat/completions", "/chat/completions", WireFormat.OPENAI),

	/** {@code POST /v1/embeddings}. */
	EMBEDDINGS("/v1/embeddings", "/embeddings", WireFormat.OPENAI),

	/** {@code POST /v1/responses}. */
	RESPONSES("/v1/responses", "/responses", WireFormat.OPENAI),

	/** {@code POST /v1/messages}, Anthropic's Messages API. */
	MESSAGES("/v1/messages", "/messages", WireFormat.ANTHROPIC),

	/** {@code POST /v1/messages/count_tokens}, Anthropic's token counting. */
	COUNT_TOKENS("/v1/messages/count_tokens", "/messages/count_tokens", WireFormat.ANTHROPIC),

	/**
	 * {@code POST /v1beta/models/{model}:generateContent}, Google's Gemini API, and its stream
	 * {@code :streamGenerateContent?alt=sse}: the model is in the path, not the body. Its {@link #upstreamPath()} is
	 * the method suffix of a model's URL.
	 */
	GENERATE_CONTENT("/v1beta/models/{model}:generateContent", ":generateContent", WireFormat.GEMINI),

	/** {@code POST /v1beta/models/{model}:countTokens}, Gemini's token counting. */
	GEMINI_COUNT_TOKENS("/v1beta/models/{model}:countTokens", ":countTokens", WireFormat.GEMINI);

	private final String path;

	private final String upstreamPath;

	private final WireFormat format;

	Endpoint(String path, String upstreamPath, WireFormat format) {
		this.path = path;
		this.upstreamPath = upstreamPath;
		this.format = format;
	}

	/** The path clients call on the gateway. */
	public String path() {
		return this.path;
	}

	/** The path appended to an OpenAI-type provider's base URL. */
	public String upstreamPath() {
		return this.upstreamPath;
	}

	/** Whether the endpoint counts a request's tokens rather than answering it. */
	public boolean countsTokens() {
		return this == COUNT_TOKENS || this == GEMINI_COUNT_TOKENS;
	}

	/** The wire format the endpoint's clients speak, and in which they get answers and errors. */
	public WireFormat format() {
		return this.format;
	}

}
