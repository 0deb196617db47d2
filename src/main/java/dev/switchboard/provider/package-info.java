/**
 * PLACEHOLDER
 */
@NullMarked
package dev.switchboard.provider;

import org.jspecify.annotations.NullMarked;
