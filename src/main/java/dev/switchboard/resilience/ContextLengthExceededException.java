package dev.switchboard.resilience;

/**
 * The provider refused the prompt as longer than the model's context window. A failed attempt that moves to the
 * next target (which may have a larger window) and is never retried on the same one.
 */
public class ContextLengthExceededException extends RuntimeException {

	public ContextLengthExceededException() {
		super("context length exceeded", null, false, false);
	}

}
