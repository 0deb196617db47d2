/**
 * PLACEHOLDER
 */
@NullMarked
package dev.switchboard.provider.mock;

import org.jspecify.annotations.NullMarked;
