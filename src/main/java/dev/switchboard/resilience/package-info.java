/**
 * PLACEHOLDER
 */
@NullMarked
package dev.switchboard.resilience;

import org.jspecify.annotations.NullMarked;
