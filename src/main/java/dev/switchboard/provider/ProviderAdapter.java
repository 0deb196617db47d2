package dev.switchboard.provider;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Talks to one configured provider in its own wire format.
 */
public interface ProviderAdapter {

	/**
	 * Why this provider cannot serve {@code endpoint} for a client speaking {@code inbound}, or {@code null} when it
	 * can. Checked before an attempt is made, so an unusable target is skipped without an upstream request.
	 */
	@Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound);

	/**
	 * Sends the call. The returned Mono emits once the response headers are in, fails when the provider cannot be
	 * reached, and sends nothing until subscribed. The caller bounds the wait; cancelling it abandons the call.
	 */
	Mono<UpstreamResponse> exchange(UpstreamCall call);

}
