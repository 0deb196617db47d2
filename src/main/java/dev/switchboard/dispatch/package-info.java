/**
 * Dispatch: upstream attempts over a route's targets, the commit point, and writing the answer to the client.
 */
@NullMarked
package dev.switchboard.dispatch;

import org.jspecify.annotations.NullMarked;
