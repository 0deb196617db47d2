package dev.switchboard.provider.gemini;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 * Google AI Studio's Gemini API: {@code POST {base}/v1beta/models/{model}:generateContent}, or
 * {@code :streamGenerateContent?alt=sse} when the client asked for a stream, with the provider key as
 * {@code x-goog-api-key}. The model is part of the URL, not of the body; a model named {@code models/x} is sent as
 * {@code x}. The body goes as it is given: a Gemini client's own bytes, or a translation made by the
 * {@code translate} package. {@code countTokens} is served too, for Gemini clients.
 */
public class GeminiAdapter implements ProviderAdapter {

	/** Model URLs kept, built once each; past this many distinct models, URLs are built per call. */
	static final int MAX_CACHED_MODELS = 256;

	private static final String API_KEY = "x-goog-api-key";

	private final UpstreamHttpClient client;

	/** {@code {base}/v1beta/models/}. */
	private final String modelsUrl;

	/** The provider key and configured extra headers, built once. */
	private final HttpHeaders providerHeaders;

	/** Model name to its two URLs: {@code [generateContent, streamGenerateContent?alt=sse]}. */
	private final Map<String, URI[]> urls = new ConcurrentHashMap<>();

	/**
	 * @param baseUrl the host ({@code https://generativelanguage.googleapis.com}); a base URL that already ends in
	 * {@code /v1beta} is accepted too
	 */
	public GeminiAdapter(UpstreamHttpClient client, String baseUrl, @Nullable String apiKey,
			Map<String, String> extraHeaders) {
		this.client = client;
		String root = baseUrl.endsWith("/v1beta") ? baseUrl.substring(0, baseUrl.length() - 7) : baseUrl;
		this.modelsUrl = root + "/v1beta/models/";
		HttpHeaders headers = new DefaultHttpHeaders();
		extraHeaders.forEach(headers::set);
		if (apiKey != null && !apiKey.isEmpty()) {
			headers.set(API_KEY, apiKey);
		}
		this.providerHeaders = headers;
	}

	@Override
	public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
		if (inbound == WireFormat.GEMINI
				&& (endpoint == Endpoint.GENERATE_CONTENT || endpoint == Endpoint.GEMINI_COUNT_TOKENS)) {
			return null;
		}
		return "a gemini provider does not serve POST " + endpoint.path();
	}

	@Override
	public Mono<UpstreamResponse> exchange(UpstreamCall call) {
		if (unsupportedReason(call.endpoint(), WireFormat.GEMINI) != null) {
			call.body().release();
			return Mono.error(new IllegalStateException(unsupportedReason(call.endpoint(), WireFormat.GEMINI)));
		}
		URI url = (call.endpoint() == Endpoint.GEMINI_COUNT_TOKENS) ? countTokensUrl(call.model())
				: url(call.model(), call.stream());
		HttpHeaders headers = new DefaultHttpHeaders();
		headers.add(call.forwardedHeaders());
		headers.setAll(this.providerHeaders);
		headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
		return this.client.post(url, headers, call.body());
	}

	/** The {@code countTokens} URL for {@code model}: rare, built per call. */
	URI countTokensUrl(String model) {
		String name = model.startsWith("models/") ? model.substring(7) : model;
		return URI.create(this.modelsUrl + encode(name) + Endpoint.GEMINI_COUNT_TOKENS.upstreamPath());
	}

	/** The URL for {@code model}, streamed or not. */
	URI url(String model, boolean stream) {
		URI[] pair = this.urls.get(model);
		if (pair == null) {
			String name = model.startsWith("models/") ? model.substring(7) : model;
			String base = this.modelsUrl + encode(name);
			pair = new URI[] { URI.create(base + Endpoint.GENERATE_CONTENT.upstreamPath()),
					URI.create(base + ":streamGenerateContent?alt=sse") };
			if (this.urls.size() < MAX_CACHED_MODELS) {
				this.urls.put(model, pair);
			}
		}
		return pair[stream ? 1 : 0];
	}

	/** A model name as one path segment: RFC 3986 unreserved characters stay, anything else is percent-encoded. */
	static String encode(String name) {
		StringBuilder out = new StringBuilder(name.length());
		for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xFF);
			boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| c == '-' || c == '.' || c == '_' || c == '~';
			if (unreserved) {
				out.append(c);
			}
			else {
				out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
					.append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
			}
		}
		return out.toString();
	}

}
