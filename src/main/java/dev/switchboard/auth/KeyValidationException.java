package dev.switchboard.auth;

/**
 * A key's description (an admin request's body, or a configured key) is invalid; {@link #field()} names the field as
 * the caller wrote it ({@code ip-allow[1]}, {@code expires-at}).
 */
public class KeyValidationException extends RuntimeException {

	private final String field;

	public KeyValidationException(String field, String message) {
		super(message, null, false, false);
		this.field = field;
	}

	public String field() {
		return this.field;
	}

}
