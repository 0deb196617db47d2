/**
 * Wire-format translation, with OpenAI Chat Completions as the hub.
 * <p>
 * Every format has one {@link dev.switchboard.translate.WireCodec} that translates between itself and the hub, in
 * both directions, for requests, whole responses, streams and error bodies. A client in format A talking to a provider
 * in format B goes A to hub to B, and the answer B to hub to A; a client and a provider of the same format never touch
 * this package (the body passes through untouched but for its {@code model}). So a new format is one codec, and it
 * works at once with every client and provider format already there.
 * <p>
 * Adding a format (Gemini, say):
 * <ol>
 * <li>Implement {@code WireCodec} in a sub-package ({@code translate.gemini}): the request, response and error
 * methods are pure functions over Jackson trees; {@link dev.switchboard.translate.StreamDecoder} turns one provider
 * SSE event into hub chunks and {@link dev.switchboard.translate.StreamEncoder} one hub chunk into client events.
 * Follow the hub conventions of {@link dev.switchboard.translate.WireCodec}.</li>
 * <li>Register it in {@link dev.switchboard.translate.WireCodecs}.</li>
 * <li>Give the provider type an adapter for its URLs and auth, wrapped in a
 * {@link dev.switchboard.translate.TranslatingAdapter}; for an inbound endpoint add a route, a
 * {@code streaming.StreamEnd} and an error shape.</li>
 * <li>Add golden fixtures under {@code src/test/resources/conformance/<format>/}.</li>
 * </ol>
 */
@NullMarked
package dev.switchboard.translate;

import org.jspecify.annotations.NullMarked;
