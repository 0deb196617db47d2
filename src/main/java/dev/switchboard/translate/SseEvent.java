package dev.switchboard.translate;

import org.jspecify.annotations.Nullable;

/**
 * One server-sent event.
 *
 * @param event the {@code event:} field, or {@code null} when there was none
 * @param data the {@code data:} lines joined with {@code \n}; empty when there were none
 */
public record SseEvent(@Nullable String event, String data) {
}
