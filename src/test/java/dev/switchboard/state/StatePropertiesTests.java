package dev.switchboard.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchboard.state} is checked with the rest of the configuration; every problem is named. */
class StatePropertiesTests {

	@Test
	void defaultsAreTheLocalStoreUnderData() {
		StateProperties state = new StateProperties();
		assertThat(state.storeKind()).isEqualTo(StoreKind.LOCAL);
		assertThat(state.getDir()).isEqualTo("./data");
		assertThat(state.getRedis().onUnavailablePolicy()).isEqualTo(OnUnavailable.ALLOW);
		assertThat(problems(state)).isEmpty();
	}

	@Test
	void everyBadSettingIsAProblemAndAPasswordIsNeverEchoed() {
		StateProperties state = new StateProperties();
		state.setStore("memcached");
		state.getRedis().setOnUnavailable("maybe");
		state.getRedis().setTimeout(Duration.ZERO);
		assertThat(problems(state)).containsExactly(
				"switchboard.state.store: unknown store 'memcached' (local, redis)",
				"switchboard.state.redis.on-unavailable: unknown value 'maybe' (allow, deny)",
				"switchboard.state.redis.timeout must be positive");
		state.setStore("Redis");
		state.getRedis().setOnUnavailable("deny");
		state.getRedis().setTimeout(Duration.ofSeconds(1));
		assertThat(problems(state)).containsExactly("switchboard.state.redis.url: the redis store needs a URL (redis://host:6379)");
		state.getRedis().setUrl("http://user:hunter2@host:6379");
		assertThat(problems(state)).singleElement().asString().doesNotContain("hunter2").contains("redis://");
		state.getRedis().setUrl("rediss://user:hunter2@host:6380/2");
		assertThat(problems(state)).isEmpty();
	}

	private static List<String> problems(StateProperties state) {
		List<String> problems = new ArrayList<>();
		state.check("switchboard.state", problems);
		return problems;
	}

}
