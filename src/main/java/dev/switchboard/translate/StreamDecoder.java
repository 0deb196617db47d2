package dev.switchboard.translate;

import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a provider's stream, one event at a time, into hub chunks (see {@link WireCodec} for their conventions).
 * One instance per stream, called from one thread at a time.
 */
public interface StreamDecoder {

	/**
	 * Translates one provider event, appending the hub chunks it makes (often none, never held back) to {@code out}.
	 * @return whether this was the provider's terminal event: the stream ended well
	 * @throws UpstreamStreamException when the provider reports an error in-band or sends an event that is not what
	 * its format promises
	 */
	boolean decode(SseEvent event, List<ObjectNode> out);

}
