/**
 * PLACEHOLDER
 */
@NullMarked
package dev.switchboard.observability;

import org.jspecify.annotations.NullMarked;
