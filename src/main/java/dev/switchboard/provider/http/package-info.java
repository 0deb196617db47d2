/**
 * HTTP transport shared by every provider that is reached over the network.
 */
@NullMarked
package dev.switchboard.provider.http;

import org.jspecify.annotations.NullMarked;
