/**
 * PLACEHOLDER
 */
@NullMarked
package dev.switchboard.body;

import org.jspecify.annotations.NullMarked;
