/**
 * Server-sent events: framing at event boundaries, terminal-event detection and in-band errors.
 */
@NullMarked
package dev.switchboard.streaming;

import org.jspecify.annotations.NullMarked;
