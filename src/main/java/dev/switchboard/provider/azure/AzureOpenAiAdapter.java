package dev.switchboard.provider.azure;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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
 * Azure OpenAI. The wire format is OpenAI's, so the body goes upstream as the client sent it (with {@code model}
 * already rewritten to the target's model, which Azure accepts and ignores) and the answer comes back unchanged. What
 * differs is the address and the credential:
 * <ul>
 * <li>chat completions and embeddings go to the deployment named by the target's model:
 * {@code {base-url}/openai/deployments/{model}/chat/completions?api-version={api-version}};</li>
 * <li>the Responses API exists only on Azure's v1 API, {@code {base-url}/openai/v1/responses}, which takes the
 * deployment from the body's {@code model} and no dated {@code api-version};</li>
 * <li>with {@code api-version: v1} every endpoint uses the v1 API ({@code {base-url}/openai/v1/chat/completions}, ...);</li>
 * <li>the key goes in an {@code api-key} header, never as a bearer token. Without a key, the configured headers are
 * all there is: a Microsoft Entra token set as {@code headers.Authorization: Bearer ...} is sent as it is (and not
 * refreshed).</li>
 * </ul>
 * A deployment name is percent-encoded into its path segment, so a model name from a client cannot step out of the
 * {@code /openai/deployments/} path.
 */
public class AzureOpenAiAdapter implements ProviderAdapter {

	/** The latest dated GA version of Azure OpenAI's data-plane inference API. */
	public static final String DEFAULT_API_VERSION = "2024-10-21";

	/** The {@code api-version} value that selects Azure's v1 API for every endpoint. */
	public static final String V1 = "v1";

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private final UpstreamHttpClient client;

	/** {@code {base-url}/openai}, without a trailing slash. */
	private final String openAiRoot;

	/** The {@code ?api-version=...} query of deployment URLs, or {@code null} when every endpoint uses the v1 API. */
	private final @Nullable String versionQuery;

	/** The v1 URLs (responses always, every endpoint with {@code api-version: v1}), built once. */
	private final Map<Endpoint, URI> v1Urls = new java.util.EnumMap<>(Endpoint.class);

	/** The {@code api-key} header and the configured extra headers, built once. */
	private final HttpHeaders providerHeaders;

	/**
	 * @param baseUrl the resource endpoint, {@code https://<resource>.openai.azure.com}, without a trailing slash
	 * @param apiVersion the dated {@code api-version}, or {@link #V1}
	 * @param apiKey the resource key, or {@code null} when the headers carry the credential
	 * @param extraHeaders sent with every request
	 */
	public AzureOpenAiAdapter(UpstreamHttpClient client, String baseUrl, String apiVersion, @Nullable String apiKey,
			Map<String, String> extraHeaders) {
		this.client = client;
		this.openAiRoot = baseUrl + "/openai";
		boolean v1 = V1.equals(apiVersion.toLowerCase(Locale.ROOT));
		this.versionQuery = v1 ? null : "?api-version=" + apiVersion;
		for (Endpoint endpoint : new Endpoint[] { Endpoint.CHAT_COMPLETIONS, Endpoint.EMBEDDINGS, Endpoint.RESPONSES }) {
			this.v1Urls.put(endpoint, URI.create(this.openAiRoot + "/v1" + endpoint.upstreamPath()));
		}
		HttpHeaders headers = new DefaultHttpHeaders();
		extraHeaders.forEach(headers::set);
		if (apiKey != null && !apiKey.isEmpty()) {
			headers.set("api-key", apiKey);
		}
		this.providerHeaders = headers;
	}

	@Override
	public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
		if (inbound != WireFormat.OPENAI) {
			return "translation from the " + inbound.name().toLowerCase(Locale.ROOT) + " format is not available yet";
		}
		return this.v1Urls.containsKey(endpoint) ? null
				: "an azure-openai provider serves chat completions, embeddings and responses only";
	}

	@Override
	public Mono<UpstreamResponse> exchange(UpstreamCall call) {
		URI url = url(call.endpoint(), call.model());
		if (url == null) {
			call.body().release();
			return Mono.error(new IllegalStateException(unsupportedReason(call.endpoint(), WireFormat.OPENAI)));
		}
		HttpHeaders headers = new DefaultHttpHeaders();
		headers.add(call.forwardedHeaders());
		headers.setAll(this.providerHeaders);
		if (call.credential() != null) {
			// a BYO key's own credential in place of the configured one
			headers.set("api-key", call.credential());
		}
		headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
		return this.client.post(url, headers, call.body());
	}

	/**
	 * The URL of {@code endpoint} for deployment {@code model}, or {@code null} for an endpoint Azure does not have.
	 * A deployment URL is built per request (the model is the client's to choose); a {@link URI} parse costs about a
	 * microsecond.
	 */
	@Nullable URI url(Endpoint endpoint, String model) {
		URI v1 = this.v1Urls.get(endpoint);
		if (v1 == null || this.versionQuery == null || endpoint == Endpoint.RESPONSES) {
			return v1;
		}
		return URI.create(this.openAiRoot + "/deployments/" + pathSegment(model) + endpoint.upstreamPath()
				+ this.versionQuery);
	}

	/**
	 * {@code name} as one path segment: letters, digits, {@code -}, {@code _} and {@code .} stay, every other byte of
	 * its UTF-8 form is percent-encoded, and so are the dots of a name made only of dots ({@code ..} would otherwise
	 * climb out of {@code /deployments/}).
	 */
	static String pathSegment(String name) {
		boolean dotsOnly = name.chars().allMatch((c) -> c == '.');
		StringBuilder segment = new StringBuilder(name.length());
		for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
			int c = b & 0xFF;
			boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_' || (c == '.' && !dotsOnly);
			if (plain) {
				segment.append((char) c);
			}
			else {
				segment.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
			}
		}
		return segment.toString();
	}

}
