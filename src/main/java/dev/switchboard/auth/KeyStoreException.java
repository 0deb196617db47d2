package dev.switchboard.auth;

/** The key store could not do what was asked (a file that cannot be written, Redis unreachable). */
public class KeyStoreException extends RuntimeException {

	public KeyStoreException(String message, Throwable cause) {
		super(message, cause);
	}

	public KeyStoreException(String message) {
		super(message);
	}

}
