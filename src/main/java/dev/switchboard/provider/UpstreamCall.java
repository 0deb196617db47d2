package dev.switchboard.provider;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

/**
 * One request to one provider target, ready to send.
 *
 * @param endpoint which API is called
 * @param model the model name the provider gets
 * @param body the request body with {@code model} already rewritten; the adapter sends or releases it
 * @param forwardedHeaders the client's headers that may go upstream (no credentials, no hop-by-hop headers)
 * @param stream whether the client asked for a stream
 * @param credential the caller's own provider key (a BYO gateway key's), sent in place of the configured one; or
 * {@code null}. Never logged.
 */
public record UpstreamCall(Endpoint endpoint, String model, ByteBuf body, HttpHeaders forwardedHeaders, boolean stream,
		@Nullable String credential) {

	/** A call with the configured provider key. */
	public UpstreamCall(Endpoint endpoint, String model, ByteBuf body, HttpHeaders forwardedHeaders, boolean stream) {
		this(endpoint, model, body, forwardedHeaders, stream, null);
	}

	/** Never the body or the headers: they may carry the caller's credential. */
	@Override
	public String toString() {
		return "UpstreamCall[" + this.endpoint + ", " + this.model + ", stream=" + this.stream + "]";
	}

}
