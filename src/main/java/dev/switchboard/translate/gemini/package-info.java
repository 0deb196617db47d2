/**
 * Google's Gemini {@code generateContent} API from the hub: requests out, answers, streams and errors back. Gemini is
 * a provider format only: no client speaks it to the gateway.
 */
@NullMarked
package dev.switchboard.translate.gemini;

import org.jspecify.annotations.NullMarked;
