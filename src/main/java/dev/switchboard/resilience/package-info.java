/**
 * Fallback rules, upstream failure classification and {@code Retry-After} handling.
 */
@NullMarked
package dev.switchboard.resilience;

import org.jspecify.annotations.NullMarked;
