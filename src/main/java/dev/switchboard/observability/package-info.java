/**
 * Micrometer meters for requests, upstream attempts and fallbacks (the gateway's own and the GenAI conventions'), the
 * access log, and the request and attempt spans when tracing is on.
 */
@NullMarked
package dev.switchboard.observability;

import org.jspecify.annotations.NullMarked;
