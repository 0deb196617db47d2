package dev.switchboard.provider;

import java.net.URI;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.auth.GatewayKey;
import dev.switchboard.config.FilterOrder;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;

/**
 * The filter of the {@code switchboard-proxy} route: {@code /proxy/{provider}/rest?query} is sent by SCG's own proxy
 * ({@code NettyRoutingFilter}) to {@code {base-url}/rest?query} of that provider, any method, any body, untranslated,
 * with the caller's key headers removed and the provider's credential added as its type sends it. The upstream's
 * status, headers and body come back as they are, streams included.
 * <p>
 * Runs after SCG's {@code RouteToRequestUrlFilter} (which knows nothing of base paths) and replaces the URL it
 * computed. The gateway key was checked by auth; a key with a model allow-list may use a provider's passthrough
 * only if the list allows {@code {provider}/*}, since the passthrough reaches every model of it.
 */
public class PassthroughFilter implements GatewayFilter, Ordered {

	private static final String PREFIX = "/proxy/";

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String rawPath = request.getURI().getRawPath();
		int end = rawPath.indexOf('/', PREFIX.length());
		String providerId = (end < 0) ? rawPath.substring(PREFIX.length()) : rawPath.substring(PREFIX.length(), end);
		RuntimeConfig config = exchange.getRequiredAttribute(GatewayAttributes.RUNTIME_CONFIG);
		GatewayKey key = exchange.getRequiredAttribute(GatewayAttributes.GATEWAY_KEY);
		if (!config.routes().providers().containsKey(providerId)) {
			return Mono.error(new GatewayException(ErrorCode.PROVIDER_NOT_FOUND,
					"No provider '" + providerId + "' is configured: /proxy/{provider}/... names a provider id."));
		}
		if (!key.models().allows(providerId + "/*")) {
			return Mono.error(new GatewayException(ErrorCode.MODEL_NOT_ALLOWED,
					"This gateway key may not use the passthrough of provider '" + providerId + "' (it needs '"
							+ providerId + "/*')."));
		}
		Passthrough passthrough = config.passthroughs().get(providerId);
		if (passthrough == null) {
			return Mono.error(new GatewayException(ErrorCode.UNSUPPORTED_BY_PROVIDER,
					"Provider '" + providerId + "' answers inside the gateway and has no HTTP API to pass through to."));
		}
		String rest = (end < 0) ? "" : rawPath.substring(end);
		String query = request.getURI().getRawQuery();
		URI target = URI.create(passthrough.baseUrl() + rest + ((query != null) ? "?" + query : ""));
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target);
		// a BYO key's own credential (taken out of the request by auth) replaces the configured one
		String credential = exchange.getAttribute(GatewayAttributes.PROVIDER_CREDENTIAL);
		ProviderType type = config.routes().providers().get(providerId).type();
		ServerHttpRequest upstream = request.mutate().headers(headers -> {
			for (String name : Passthrough.CALLER_KEY_HEADERS) {
				headers.remove(name);
			}
			passthrough.headers().forEach(headers::set);
			if (credential != null) {
				headers.set(Passthrough.credentialHeader(type), Passthrough.credentialValue(type, credential));
			}
		}).build();
		return chain.filter(exchange.mutate().request(upstream).build());
	}

	@Override
	public int getOrder() {
		return FilterOrder.PROXY_TARGET;
	}

	@Override
	public String toString() {
		return "Passthrough: /proxy/{provider}/** -> {base-url}/**, provider key swapped in";
	}

}
