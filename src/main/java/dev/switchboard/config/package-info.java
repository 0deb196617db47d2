/**
 * Configuration: the bound {@code switchboard.*} properties, their validation and compilation into an immutable
 * {@link dev.switchboard.config.RuntimeConfig} snapshot, and the wiring of the request path.
 */
@NullMarked
package dev.switchboard.config;

import org.jspecify.annotations.NullMarked;
