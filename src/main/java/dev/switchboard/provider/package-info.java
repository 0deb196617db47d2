/**
 * Providers: the adapter SPI, provider types and wire formats, and the compiled provider model.
 */
@NullMarked
package dev.switchboard.provider;

import org.jspecify.annotations.NullMarked;
