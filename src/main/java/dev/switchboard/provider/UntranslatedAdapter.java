package dev.switchboard.provider;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The adapter of a provider type whose wire format the gateway does not translate to yet (gemini: it has no codec in
 * {@code dev.switchboard.translate}). Configuration accepts such providers; every request that would need them skips the target
 * with a reason, so a route falls back to a target it can use and a route with none gets a clear 400.
 */
public final class UntranslatedAdapter implements ProviderAdapter {

	private final ProviderType type;

	public UntranslatedAdapter(ProviderType type) {
		this.type = type;
	}

	@Override
	public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
		return "a " + this.type.id() + " provider needs translation from the " + inbound.name().toLowerCase(java.util.Locale.ROOT)
				+ " format, which is not available yet";
	}

	@Override
	public Mono<UpstreamResponse> exchange(UpstreamCall call) {
		call.body().release();
		return Mono.error(new IllegalStateException(unsupportedReason(call.endpoint(), WireFormat.OPENAI)));
	}

}
