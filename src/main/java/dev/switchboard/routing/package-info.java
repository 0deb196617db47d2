/**
 * Model resolution: route aliases and {@code provider/model} names to ordered provider targets, and {@code /v1/models}.
 */
@NullMarked
package dev.switchboard.routing;

import org.jspecify.annotations.NullMarked;
