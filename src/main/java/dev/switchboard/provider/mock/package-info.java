/**
 * The built-in {@code mock} provider, which answers locally and deterministically.
 */
@NullMarked
package dev.switchboard.provider.mock;

import org.jspecify.annotations.NullMarked;
