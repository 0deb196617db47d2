package dev.switchboard.translate;

import org.jspecify.annotations.Nullable;

/**
 * An error, whichever format reported it.
 *
 * @param type the error type ({@code invalid_request_error}, {@code rate_limit_error}, ...)
 * @param message what went wrong, for a human
 * @param code a machine-readable code, when the format has one ({@code context_length_exceeded})
 * @param param the request field concerned, when known
 */
public record ApiError(String type, String message, @Nullable String code, @Nullable String param) {
}
