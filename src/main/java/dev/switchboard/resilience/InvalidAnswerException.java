package dev.switchboard.resilience;

/**
 * A provider answered with a success status but a body that is not what its format promises (a JSON answer that is
 * not JSON, a stream that ended before its first event). A failed attempt, like a 5xx.
 */
public class InvalidAnswerException extends RuntimeException {

	public InvalidAnswerException(String reason) {
		super(reason, null, false, false);
	}

}
