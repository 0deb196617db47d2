/**
 * Anthropic's Messages API as a provider.
 */
@NullMarked
package dev.switchboard.provider.anthropic;

import org.jspecify.annotations.NullMarked;
