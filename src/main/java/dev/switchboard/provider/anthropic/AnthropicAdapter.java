package dev.switchboard.provider.anthropic;

import java.net.URI;
import java.util.EnumMap;
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
 * Anthropic's Messages API: {@code POST {base}/v1/messages} and {@code /v1/messages/count_tokens}, with the provider
 * key as {@code x-api-key}. The client's {@code anthropic-version} and {@code anthropic-beta} headers go upstream
 * as they came; a request without {@code anthropic-version} (one translated from another format) gets
 * {@value #DEFAULT_VERSION}. The body goes as it is given: an Anthropic client's own bytes (model rewritten), or a
 * translation made by the {@code translate} package.
 */
public class AnthropicAdapter implements ProviderAdapter {

	/** The API version sent when the client named none. */
	public static final String DEFAULT_VERSION = "2023-06-01";

	private static final String VERSION = "anthropic-version";

	private final UpstreamHttpClient client;

	private final Map<Endpoint, URI> urls = new EnumMap<>(Endpoint.class);

	/** The provider key and configured extra headers, built once. */
	private final HttpHeaders providerHeaders;

	/**
	 * @param baseUrl the host ({@code https://api.anthropic.com}); a base URL that already ends in {@code /v1} is
	 * accepted too
	 */
	public AnthropicAdapter(UpstreamHttpClient client, String baseUrl, @Nullable String apiKey,
			Map<String, String> extraHeaders) {
		this.client = client;
		String root = baseUrl.endsWith("/v1") ? baseUrl.substring(0, baseUrl.length() - 3) : baseUrl;
		this.urls.put(Endpoint.MESSAGES, URI.create(root + Endpoint.MESSAGES.path()));
		this.urls.put(Endpoint.COUNT_TOKENS, URI.create(root + Endpoint.COUNT_TOKENS.path()));
		HttpHeaders headers = new DefaultHttpHeaders();
		extraHeaders.forEach(headers::set);
		if (apiKey != null && !apiKey.isEmpty()) {
			headers.set("x-api-key", apiKey);
		}
		this.providerHeaders = headers;
	}

	@Override
	public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
		if (inbound == WireFormat.ANTHROPIC && this.urls.containsKey(endpoint)) {
			return null;
		}
		return "an anthropic provider does not serve POST " + endpoint.path();
	}

	@Override
	public Mono<UpstreamResponse> exchange(UpstreamCall call) {
		URI url = this.urls.get(call.endpoint());
		if (url == null) {
			call.body().release();
			return Mono.error(new IllegalStateException(unsupportedReason(call.endpoint(), WireFormat.ANTHROPIC)));
		}
		HttpHeaders headers = new DefaultHttpHeaders();
		headers.add(call.forwardedHeaders());
		headers.setAll(this.providerHeaders);
		if (call.credential() != null) {
			// a BYO key's own credential in place of the configured one
			headers.set("x-api-key", call.credential());
		}
		if (!headers.contains(VERSION)) {
			headers.set(VERSION, DEFAULT_VERSION);
		}
		headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
		return this.client.post(url, headers, call.body());
	}

}
