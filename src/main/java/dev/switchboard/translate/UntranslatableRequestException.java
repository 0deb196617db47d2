package dev.switchboard.translate;

/**
 * A request uses something the target's format cannot express and that cannot be left out without changing the
 * answer (an Anthropic server tool for an OpenAI provider, {@code n: 3} for Anthropic). The client gets a 400
 * {@code invalid_request_error} naming the parameter, in its own format.
 */
public class UntranslatableRequestException extends RuntimeException {

	private final String param;

	public UntranslatableRequestException(String param, String message) {
		super(message, null, false, false);
		this.param = param;
	}

	/** The parameter at fault, as the client named it. */
	public String param() {
		return this.param;
	}

}
