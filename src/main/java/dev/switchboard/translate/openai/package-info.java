/**
 * OpenAI's formats: the hub itself, Chat Completions, whose codec is nearly the identity, and the Responses API as a
 * client format over the hub ({@link dev.switchboard.translate.openai.OpenAiResponsesCodec}).
 */
@NullMarked
package dev.switchboard.translate.openai;

import org.jspecify.annotations.NullMarked;
