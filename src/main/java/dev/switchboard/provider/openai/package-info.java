/**
 * OpenAI and OpenAI-compatible providers.
 */
@NullMarked
package dev.switchboard.provider.openai;

import org.jspecify.annotations.NullMarked;
