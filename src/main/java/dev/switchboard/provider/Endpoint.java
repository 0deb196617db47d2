package dev.switchboard.provider;

/**
 * The OpenAI-style API endpoints the gateway proxies, with the path each has under an OpenAI-type base URL.
 */
public enum Endpoint {

	/** {@code POST /v1/chat/completions}. */
	CHAT_COMPLETIONS("/v1/chat/completions", "/chat/completions"),

	/** {@code POST /v1/embeddings}. */
	EMBEDDINGS("/v1/embeddings", "/embeddings"),

	/** {@code POST /v1/responses}. */
	RESPONSES("/v1/responses", "/responses");

	private final String path;

	private final String upstreamPath;

	Endpoint(String path, String upstreamPath) {
		this.path = path;
		this.upstreamPath = upstreamPath;
	}

	/** The path clients call on the gateway. */
	public String path() {
		return this.path;
	}

	/** The path appended to an OpenAI-type provider's base URL. */
	public String upstreamPath() {
		return this.upstreamPath;
	}

}
