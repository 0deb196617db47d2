/**
 * PLACEHOLDER
 */
@NullMarked
package dev.switchboard.support;

import org.jspecify.annotations.NullMarked;
