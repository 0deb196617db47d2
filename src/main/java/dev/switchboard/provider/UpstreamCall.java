package dev.switchboard.provider;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * One request to one provider target, ready to send.
 *
 * @param endpoint which API is called
 * @param model the model name the provider gets
 * @param body the request body with {@code model} already rewritten; the adapter sends or releases it
 * @param forwardedHeaders the client's headers that may go upstream (no credentials, no hop-by-hop headers)
 * @param stream whether the client asked for a stream
 */
public record UpstreamCall(Endpoint endpoint, String model, ByteBuf body, HttpHeaders forwardedHeaders, boolean stream) {
}
