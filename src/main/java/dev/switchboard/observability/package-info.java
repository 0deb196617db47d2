/**
 * Micrometer meters for requests, upstream attempts and fallbacks, and the access log.
 */
@NullMarked
package dev.switchboard.observability;

import org.jspecify.annotations.NullMarked;
