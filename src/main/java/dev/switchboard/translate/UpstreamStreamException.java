package dev.switchboard.translate;

import dev.switchboard.resilience.InvalidAnswerException;

/**
 * A provider's stream cannot go on being translated: it reported an error in-band, sent an event that is not what its
 * format promises, or did something the client's format cannot express. Before the first event reached the client
 * this is a failed attempt like any invalid answer; after it, the client's stream ends with an in-band error carrying
 * this message.
 */
public class UpstreamStreamException extends InvalidAnswerException {

	public UpstreamStreamException(String message) {
		super(message);
	}

}
