/**
 * PLACEHOLDER
 */
@NullMarked
package dev.switchboard.streaming;

import org.jspecify.annotations.NullMarked;
