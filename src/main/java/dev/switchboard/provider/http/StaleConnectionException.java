package dev.switchboard.provider.http;

import java.io.IOException;

/**
 * A request sent on a reused pooled connection that closed before any byte of the response arrived: almost always
 * the upstream closing the connection for idleness as the request went out. The request can be sent again, on a new
 * connection, with nothing lost but the round trip.
 */
public class StaleConnectionException extends IOException {

	public StaleConnectionException(Throwable cause) {
		super("a reused connection closed before the response", cause);
	}

}
