/**
 * PLACEHOLDER
 */
@NullMarked
package dev.switchboard.dispatch;

import org.jspecify.annotations.NullMarked;
