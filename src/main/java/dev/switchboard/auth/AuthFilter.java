package dev.switchboard.auth;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.FilterOrder;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.Passthrough;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.GatewayHeaders;
import dev.switchboard.support.RouteKind;

/**
 * Authenticates the caller of an AI or passthrough route ({@link Callers}: {@code Authorization: Bearer K},
 * {@code x-api-key: K}, {@code x-goog-api-key: K}, or on the Gemini endpoints {@code ?key=K}; configured keys of the
 * snapshot the request is pinned to, so a reload mid-request never mixes old keys with new routes, and API keys from
 * memory), then applies what the key's role and {@code endpoints} scope allow. A plain SCG route is not its business: it passes untouched.
 * <p>
 * A BYO key's own provider credential ({@code x-provider-api-key}, or on {@code /proxy/{provider}/**} the provider's
 * own auth header beside the gateway key) is taken out of the request here and kept in an exchange attribute, so no
 * later stage can forward or log it. A key that is not BYO and sends {@code x-provider-api-key} is refused rather than
 * silently served with the configured provider key.
 */
public class AuthFilter implements GlobalFilter, Ordered {

	private static final String MODELS = "/v1/models";

	private final RuntimeConfigHolder configs;

	private final Callers callers;

	public AuthFilter(RuntimeConfigHolder configs, Callers callers) {
		this.configs = configs;
		this.callers = callers;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		RouteKind kind = RouteKind.of(exchange);
		if (kind == RouteKind.OTHER) {
			return chain.filter(exchange);
		}
		RuntimeConfig config = this.configs.pinned(exchange);
		ServerHttpRequest request = exchange.getRequest();
		Callers.Caller caller;
		try {
			boolean gemini = exchange.getAttribute(GatewayAttributes.ENDPOINT) instanceof Endpoint endpoint
					&& endpoint.format() == WireFormat.GEMINI;
			caller = this.callers.authenticate(request, config, kind == RouteKind.PROXY, gemini);
		}
		catch (GatewayException ex) {
			return Mono.error(ex);
		}
		GatewayKey key = caller.key();
		exchange.getAttributes().put(GatewayAttributes.GATEWAY_KEY, key);
		String path = request.getPath().value();
		if (key.role() == Role.READ_ONLY && !(HttpMethod.GET.equals(request.getMethod())
				&& (path.equals(MODELS) || path.startsWith(MODELS + "/")))) {
			return Mono.error(new GatewayException(ErrorCode.PERMISSION_DENIED,
					"This gateway key is read-only: it may list models (GET /v1/models) and nothing else."));
		}
		if (!key.endpoints().isAny() && !key.endpoints().allows(request.getPath().pathWithinApplication())) {
			return Mono.error(new GatewayException(ErrorCode.ENDPOINT_NOT_ALLOWED,
					"This gateway key may not call " + request.getMethod() + " " + path + "."));
		}
		String credential = request.getHeaders().getFirst(GatewayHeaders.PROVIDER_API_KEY);
		String ownHeader = null;
		if (credential == null && key.byo() && kind == RouteKind.PROXY) {
			ownHeader = providerAuthHeader(path, config, caller.header(), request.getHeaders());
			credential = (ownHeader != null) ? credentialIn(ownHeader, request.getHeaders()) : null;
		}
		if (credential == null) {
			return chain.filter(exchange);
		}
		if (!key.byo()) {
			return Mono.error(new GatewayException(ErrorCode.PERMISSION_DENIED, "This gateway key may not bring its own "
					+ "provider key (" + GatewayHeaders.PROVIDER_API_KEY + "): it is not a BYO key."));
		}
		if (credential.isBlank()) {
			return Mono.error(new GatewayException(ErrorCode.INVALID_REQUEST,
					"The header " + GatewayHeaders.PROVIDER_API_KEY + " is empty.", GatewayHeaders.PROVIDER_API_KEY,
					HttpHeaders.EMPTY));
		}
		exchange.getAttributes().put(GatewayAttributes.PROVIDER_CREDENTIAL, credential.trim());
		String removed = ownHeader;
		ServerHttpRequest stripped = request.mutate().headers(headers -> {
			headers.remove(GatewayHeaders.PROVIDER_API_KEY);
			if (removed != null) {
				headers.remove(removed);
			}
		}).build();
		return chain.filter(exchange.mutate().request(stripped).build());
	}

	/**
	 * On {@code /proxy/{provider}/**}: the header the provider's own credential travels in, when the request has it
	 * and it is not the one that carried the gateway key.
	 */
	private static @Nullable String providerAuthHeader(String path, RuntimeConfig config, String gatewayKeyHeader,
			HttpHeaders headers) {
		Provider provider = config.routes().providers().get(KeyScopeFilter.proxyProvider(path));
		if (provider == null) {
			return null;
		}
		String header = Passthrough.credentialHeader(provider.type());
		return (!header.equalsIgnoreCase(gatewayKeyHeader) && headers.getFirst(header) != null) ? header : null;
	}

	private static @Nullable String credentialIn(String header, HttpHeaders headers) {
		String value = headers.getFirst(header);
		if (value != null && header.equalsIgnoreCase(HttpHeaders.AUTHORIZATION)) {
			return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7) : null;
		}
		return value;
	}

	@Override
	public int getOrder() {
		return FilterOrder.AUTH;
	}

}
