package dev.switchboard.auth;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.support.ErrorBodies;
import dev.switchboard.support.ErrorCode;

/**
 * Guards the actuator endpoints. Health stays open for Kubernetes probes and load balancers. Reads (GET) of the other
 * endpoints are open, or need a valid gateway key with {@code switchboard.protect-actuator: true}. Writes (any other
 * method, such as {@code POST /actuator/reload}) always need a gateway key with {@code admin: true}: 401 without a
 * valid key, 403 with a key that is not an admin key.
 * <p>
 * Spring Cloud Gateway's actuator ({@code /actuator/gateway/**}) can create, delete and refresh routes, and lists every
 * route's URI: every request to it, reads too, needs an admin key whatever {@code protect-actuator} says, and is
 * refused in the OpenAI error shape ({@code 401 invalid_api_key}, {@code 403 permission_denied}).
 * <p>
 * Keys and {@code protect-actuator} come from the current configuration snapshot, so a reload changes them too.
 */
public class ActuatorKeyFilter implements WebFilter, Ordered {

	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	private static final String GATEWAY_ACTUATOR = "/actuator/gateway";

	/** Actuator reads that need an admin key whatever {@code protect-actuator} says (quota's usage and limits). */
	private static final java.util.Set<String> ADMIN_READS = java.util.Set.of("/actuator/usage", "/actuator/quotas");

	private static final byte[] KEY_REQUIRED = "{\"error\":\"a gateway key is required\"}"
		.getBytes(StandardCharsets.UTF_8);

	private static final byte[] ADMIN_REQUIRED = "{\"error\":\"an admin gateway key is required\"}"
		.getBytes(StandardCharsets.UTF_8);

	/** {@code /actuator/gateway/**} answers in the OpenAI shape, with the codes the API uses. */
	private static final byte[] ROUTES_KEY_REQUIRED = ErrorBodies.openAi(
			"The gateway's route actuator needs an admin gateway key.", ErrorCode.INVALID_API_KEY.type(),
			ErrorCode.INVALID_API_KEY.code(), null);

	private static final byte[] ROUTES_ADMIN_REQUIRED = ErrorBodies.openAi(
			"The gateway's route actuator needs an admin gateway key; this key is not one.",
			ErrorCode.PERMISSION_DENIED.type(), ErrorCode.PERMISSION_DENIED.code(), null);

	private final RuntimeConfigHolder configs;

	public ActuatorKeyFilter(RuntimeConfigHolder configs) {
		this.configs = configs;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().value();
		if (!path.startsWith("/actuator") || path.startsWith("/actuator/health")) {
			return chain.filter(exchange);
		}
		if (path.equals(GATEWAY_ACTUATOR) || path.startsWith(GATEWAY_ACTUATOR + "/")) {
			return adminOnly(exchange, chain);
		}
		if (ADMIN_READS.contains(path)) {
			// who spent what, and every limit's state: admin keys only, reads too
			GatewayKey key = AuthFilter.callerKey(exchange.getRequest().getHeaders(), this.configs.current());
			if (key == null) {
				return reject(exchange, HttpStatus.UNAUTHORIZED, KEY_REQUIRED);
			}
			return key.admin() ? chain.filter(exchange) : reject(exchange, HttpStatus.FORBIDDEN, ADMIN_REQUIRED);
		}
		HttpMethod method = exchange.getRequest().getMethod();
		boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
				|| HttpMethod.OPTIONS.equals(method);
		RuntimeConfig config = this.configs.current();
		if (read && !config.protectActuator()) {
			return chain.filter(exchange);
		}
		GatewayKey key = AuthFilter.callerKey(exchange.getRequest().getHeaders(), config);
		if (key == null) {
			return reject(exchange, HttpStatus.UNAUTHORIZED, KEY_REQUIRED);
		}
		if (!read && !key.admin()) {
			return reject(exchange, HttpStatus.FORBIDDEN, ADMIN_REQUIRED);
		}
		return chain.filter(exchange);
	}

	private Mono<Void> adminOnly(ServerWebExchange exchange, WebFilterChain chain) {
		GatewayKey key = AuthFilter.callerKey(exchange.getRequest().getHeaders(), this.configs.current());
		if (key == null) {
			return reject(exchange, HttpStatus.UNAUTHORIZED, ROUTES_KEY_REQUIRED);
		}
		if (!key.admin()) {
			return reject(exchange, HttpStatus.FORBIDDEN, ROUTES_ADMIN_REQUIRED);
		}
		return chain.filter(exchange);
	}

	private static Mono<Void> reject(ServerWebExchange exchange, HttpStatus status, byte[] body) {
		exchange.getResponse().setStatusCode(status);
		exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
		return exchange.getResponse().writeWith(Mono.fromSupplier(() -> exchange.getResponse().bufferFactory().wrap(body)));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Constant: WebFlux's web filter chain names every filter it runs, on every request, in a checkpoint, and the
	 * default {@code toString} would build a string with the identity hash each time.
	 */
	@Override
	public String toString() {
		return "ActuatorKeyFilter";
	}

}
