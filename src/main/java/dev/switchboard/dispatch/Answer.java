package dev.switchboard.dispatch;

import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.routing.Target;

/**
 * The upstream response chosen to go to the client, and the target that gave it.
 *
 * @param target the target that answered
 * @param response its response, headers in and body unread
 */
public record Answer(Target target, UpstreamResponse response) {
}
