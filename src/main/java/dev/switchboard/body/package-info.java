/**
 * The request body: reading it once within the size limit and locating {@code model} and {@code stream}.
 */
@NullMarked
package dev.switchboard.body;

import org.jspecify.annotations.NullMarked;
