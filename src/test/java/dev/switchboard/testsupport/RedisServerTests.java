package dev.switchboard.testsupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The test Redis process starts, stores, stops and comes back on its port, empty. */
class RedisServerTests {

	@Test
	void startsStopsAndRestartsOnTheSamePort() {
		try (RedisServer redis = RedisServer.start()) {
			assertThat(redis.command("SET", "k", "v")).isEqualTo("+OK");
			assertThat(redis.command("EXISTS", "k")).isEqualTo(":1");
			int port = redis.port();
			redis.stop();
			assertThat(redis.running()).isFalse();
			redis.restart();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(redis.command("EXISTS", "k")).isEqualTo(":0");
		}
	}

}
