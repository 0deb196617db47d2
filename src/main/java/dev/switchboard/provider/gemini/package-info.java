/**
 * Google's Gemini API (Google AI Studio): URLs and authentication. The translation to and from its wire format lives
 * in {@code dev.switchboard.translate.gemini}.
 */
@NullMarked
package dev.switchboard.provider.gemini;

import org.jspecify.annotations.NullMarked;
