/**
 * PLACEHOLDER
 */
@NullMarked
package dev.switchboard.config;

import org.jspecify.annotations.NullMarked;
