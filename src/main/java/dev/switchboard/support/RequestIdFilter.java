package dev.switchboard.support;

import java.util.concurrent.ThreadLocalRandom;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every request an id, echoed from {@code x-request-id} when the client sent a usable one, and puts it on the
 * response at once, so that every response carries it: errors from any later stage, 404s for unknown paths, and
 * proxied answers alike.
 * <p>
 * A WebFilter, first of all, so it covers every response: AI routes, plain SCG routes, actuator, 404s.
 */
public class RequestIdFilter implements WebFilter, Ordered {

	/** First of all filters, so that even a rejected request has an id in its logs. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	/** Longer client ids are replaced: they end up in logs and response headers. */
	static final int MAX_LENGTH = 128;

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		assign(exchange);
		return chain.filter(exchange);
	}

	/** Stamps the arrival time and the request id on the exchange, and the id on its response. */
	public static void assign(ServerWebExchange exchange) {
		exchange.getAttributes().put(GatewayAttributes.START_NANOS, System.nanoTime());
		String id = exchange.getRequest().getHeaders().getFirst(GatewayHeaders.REQUEST_ID);
		if (id == null || !isUsable(id)) {
			id = newId();
		}
		exchange.getAttributes().put(GatewayAttributes.REQUEST_ID, id);
		exchange.getResponse().getHeaders().set(GatewayHeaders.REQUEST_ID, id);
	}

	/** Visible ASCII only, so a client cannot inject into logs or headers. */
	static boolean isUsable(String id) {
		if (id.isEmpty() || id.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (c <= 0x20 || c >= 0x7f) {
				return false;
			}
		}
		return true;
	}

	/** 32 random hex digits; not a secret, so a fast non-cryptographic source is enough. */
	static String newId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		char[] out = new char[32];
		long a = random.nextLong();
		long b = random.nextLong();
		for (int i = 0; i < 16; i++) {
			out[i] = HEX[(int) (a >>> (i * 4)) & 0xF];
			out[16 + i] = HEX[(int) (b >>> (i * 4)) & 0xF];
		}
		return new String(out);
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
		return "RequestIdFilter";
	}

}
