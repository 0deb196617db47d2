/**
 * Gateway keys: authentication of callers, hashed key storage and per-key model allow-lists.
 */
@NullMarked
package dev.switchboard.auth;

import org.jspecify.annotations.NullMarked;
