/**
 * The hub format itself, OpenAI Chat Completions: its codec is nearly the identity.
 */
@NullMarked
package dev.switchboard.translate.openai;

import org.jspecify.annotations.NullMarked;
