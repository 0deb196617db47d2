package dev.switchboard.auth;

import java.security.SecureRandom;
import java.util.Base64;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * New API keys: {@code sk-sb-} and 43 URL-safe characters, the 256 bits of a {@link SecureRandom}. The JDK's default
 * source on Linux reads {@code /dev/urandom}, a file read that may block, so keys are drawn on the bounded elastic
 * scheduler, never on an event loop.
 */
final class KeyGenerator {

	static final String PREFIX = "sk-sb-";

	private static final SecureRandom RANDOM = new SecureRandom();

	private KeyGenerator() {
	}

	static Mono<String> next() {
		return Mono.fromCallable(() -> {
			byte[] bytes = new byte[32];
			RANDOM.nextBytes(bytes);
			return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		}).subscribeOn(Schedulers.boundedElastic());
	}

}
