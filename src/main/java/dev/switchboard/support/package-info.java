/**
 * Small shared pieces: exchange attribute keys, header names, error codes and the error renderer, request ids.
 */
@NullMarked
package dev.switchboard.support;

import org.jspecify.annotations.NullMarked;
