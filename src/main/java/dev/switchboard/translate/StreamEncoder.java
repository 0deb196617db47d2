package dev.switchboard.translate;

import tools.jackson.databind.node.ObjectNode;

/**
 * Turns hub chunks, one at a time, into a client's events, written whole ({@code event:}/{@code data:} lines and
 * the blank line). One instance per stream, called from one thread at a time.
 */
public interface StreamEncoder {

	/**
	 * Appends the client events for one hub chunk (often one, sometimes none or several) to {@code out}.
	 * @throws UpstreamStreamException when the chunk cannot be expressed in the client's format
	 */
	void encode(ObjectNode chunk, StringBuilder out);

	/** Appends the client's closing events, for a hub stream that ended well. */
	void end(StringBuilder out);

}
