/**
 * Google's Gemini {@code generateContent} API to and from the hub: as a provider format (requests out, answers,
 * streams and errors back) and as a client format, for Gemini CLI and Google's SDKs calling the gateway's
 * {@code /v1beta/models/{model}:generateContent}.
 */
@NullMarked
package dev.switchboard.translate.gemini;

import org.jspecify.annotations.NullMarked;
