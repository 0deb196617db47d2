package dev.switchboard.state;

/**
 * The Redis store could not answer: not connected, the connection dropped, or a command timed out. A capability
 * decides by {@code on-unavailable} what the request gets (admit and count locally, or {@code 503 state_unavailable}).
 * No stack trace: it is an expected outcome on the request path, and the message never carries the URL.
 */
public class StateUnavailableException extends RuntimeException {

	public StateUnavailableException(String message) {
		super(message, null, false, false);
	}

}
