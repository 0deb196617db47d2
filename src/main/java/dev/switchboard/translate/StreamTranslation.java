package dev.switchboard.translate;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * One stream's translation: provider buffers in, client events out, as they arrive. Provider events are parsed
 * ({@link SseParser}), decoded to hub chunks by the provider's codec and encoded by the client's, so each provider
 * event yields its client events before the next one is read: nothing waits for the end of the stream.
 * <p>
 * Once the provider's terminal event has been translated (and the client's closing events written) the rest is
 * ignored. A stream that stops before then simply stops: the caller sees that the client's terminal event never came.
 */
public final class StreamTranslation {

	private final SseParser parser = new SseParser();

	private final StreamDecoder decoder;

	private final StreamEncoder encoder;

	private final List<SseEvent> events = new ArrayList<>(4);

	private final List<ObjectNode> chunks = new ArrayList<>(4);

	private boolean ended;

	private @Nullable UpstreamStreamException failure;

	public StreamTranslation(StreamDecoder decoder, StreamEncoder encoder) {
		this.decoder = decoder;
		this.encoder = encoder;
	}

	/**
	 * Translates one provider buffer (not released here).
	 * @return the client events it completed, possibly empty. When the stream failed in this buffer, these are the
	 * events before the failure, and {@link #failure()} says why; nothing more is translated after a failure.
	 */
	public String next(ByteBuf chunk) {
		if (this.ended || this.failure != null) {
			return "";
		}
		this.events.clear();
		this.parser.feed(chunk, this.events);
		StringBuilder out = new StringBuilder();
		for (SseEvent event : this.events) {
			// the events of the hub chunks before a failure still go out, whole
			int complete = out.length();
			try {
				this.chunks.clear();
				boolean terminal = this.decoder.decode(event, this.chunks);
				for (ObjectNode hub : this.chunks) {
					this.encoder.encode(hub, out);
					complete = out.length();
				}
				if (terminal) {
					this.encoder.end(out);
					this.ended = true;
					break;
				}
			}
			catch (UpstreamStreamException ex) {
				out.setLength(complete);
				this.failure = ex;
				break;
			}
		}
		return out.toString();
	}

	/** Why the stream cannot go on, once it cannot; else {@code null}. */
	public @Nullable UpstreamStreamException failure() {
		return this.failure;
	}

	/** Whether the provider's terminal event has been translated. */
	public boolean ended() {
		return this.ended;
	}

}
