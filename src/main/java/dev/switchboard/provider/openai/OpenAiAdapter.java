package dev.switchboard.provider.openai;

import java.util.Map;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.ProviderAdapter;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.provider.http.UpstreamHttpClient;

/**
 * Any OpenAI-compatible API: the body goes upstream as the client sent it (model rewritten), with the provider's key
 * as a bearer token.
 */
public class OpenAiAdapter implements ProviderAdapter {

	private final UpstreamHttpClient client;

	/** The URL of each endpoint, built once. */
	private final java.util.Map<Endpoint, java.net.URI> urls = new java.util.EnumMap<>(Endpoint.class);

	/** The provider key and configured extra headers, built once. */
	private final HttpHeaders providerHeaders;

	public OpenAiAdapter(UpstreamHttpClient client, String baseUrl, @Nullable String apiKey,
			Map<String, String> extraHeaders) {
		this.client = client;
		for (Endpoint endpoint : Endpoint.values()) {
			this.urls.put(endpoint, java.net.URI.create(baseUrl + endpoint.upstreamPath()));
		}
		HttpHeaders headers = new DefaultHttpHeaders();
		extraHeaders.forEach(headers::set);
		if (apiKey != null && !apiKey.isEmpty()) {
			headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
		}
		this.providerHeaders = headers;
	}

	@Override
	public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
		return (inbound == WireFormat.OPENAI) ? null
				: "translation from the " + inbound.name().toLowerCase() + " format is not available yet";
	}

	@Override
	public Mono<UpstreamResponse> exchange(UpstreamCall call) {
		HttpHeaders headers = new DefaultHttpHeaders();
		headers.add(call.forwardedHeaders());
		headers.setAll(this.providerHeaders);
		if (call.credential() != null) {
			// a BYO key's own credential in place of the configured one
			headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + call.credential());
		}
		headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
		return this.client.post(this.urls.get(call.endpoint()), headers, call.body());
	}

}
