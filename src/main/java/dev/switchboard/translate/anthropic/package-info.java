/**
 * Anthropic's Messages API to and from the hub: requests, answers, streams and errors.
 */
@NullMarked
package dev.switchboard.translate.anthropic;

import org.jspecify.annotations.NullMarked;
