package dev.switchboard.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import reactor.core.publisher.Mono;

/**
 * A Lua script on the Redis store: one round trip with {@code EVALSHA}; when Redis does not know the script (first
 * use, or a Redis that restarted empty) one more with {@code EVAL}, which also loads it. A script is atomic in Redis,
 * which is what makes counters exact across replicas.
 */
public final class RedisScript {

	private final RedisState redis;

	private final String lua;

	private final String sha;

	RedisScript(RedisState redis, String lua) {
		this.redis = redis;
		this.lua = lua;
		this.sha = sha1(lua);
	}

	/**
	 * Runs the script. {@code type} is how Redis's reply is read: {@link ScriptOutputType#MULTI} gives a
	 * {@code List<Object>} (Lua numbers as {@code Long}, strings as {@code String}), {@link ScriptOutputType#INTEGER} a
	 * {@code Long}, {@link ScriptOutputType#VALUE} a {@code String}.
	 */
	public <T> Mono<T> run(ScriptOutputType type, String[] keys, String... args) {
		return this.redis.<T>stringsAsync(commands -> commands.<T>evalsha(this.sha, type, keys, args))
			.onErrorResume(RedisNoScriptException.class,
					ex -> this.redis.<T>stringsAsync(commands -> commands.<T>eval(this.lua, type, keys, args)));
	}

	private static String sha1(String text) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is part of every JDK", ex);
		}
	}

}
