package dev.switchboard.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.config.SwitchboardProperties;

import static org.assertj.core.api.Assertions.assertThat;

class CacheRulesTests {

	@Test
	void everyBadValueIsListed() {
		SwitchboardProperties.Cache cache = new SwitchboardProperties.Cache();
		cache.setStore("memcached");
		cache.setTtl(Duration.ZERO);
		SwitchboardProperties.Route odd = route("odd", "fuzzy");
		SwitchboardProperties.Route semantic = route("near", "semantic");
		semantic.getCache().getSemantic().setThreshold(1.5);
		semantic.getCache().getSemantic().setEmbedding("voyage/voyage-3");
		SwitchboardProperties.Route throughTheGateway = route("near-by-openai", "semantic");
		throughTheGateway.getCache().getSemantic().setEmbedding("openai/text-embedding-3-small");
		SwitchboardProperties.Route byAlias = route("near-by-alias", "semantic");
		byAlias.getCache().getSemantic().setEmbedding("odd");
		List<String> problems = new ArrayList<>();

		CacheRules.compile(cache, false, List.of(odd, semantic, throughTheGateway, byAlias), java.util.Set.of("openai"), problems);

		assertThat(problems).containsExactlyInAnyOrder(
				"switchboard.cache.store: unknown store 'memcached' (one of local, redis)",
				"switchboard.cache.ttl must be positive",
				"switchboard.routes[0].cache.mode: unknown mode 'fuzzy' (one of none, exact, semantic)",
				"switchboard.routes[1].cache.semantic.threshold must be above 0 and at most 1 (cosine similarity)",
				"switchboard.routes[1].cache.semantic.embedding: 'voyage/voyage-3' is neither 'local' (the in-process "
						+ "all-MiniLM-L6-v2 model) nor a route alias or <provider>/<model> of a configured provider");
	}

	@Test
	void aRedisCacheNeedsTheRedisStateStore() {
		SwitchboardProperties.Cache cache = new SwitchboardProperties.Cache();
		cache.setStore("redis");
		List<String> problems = new ArrayList<>();
		CacheRules.compile(cache, false, List.of(), java.util.Set.of(), problems);
		assertThat(problems).singleElement().asString().contains("switchboard.state.store: redis");
		problems.clear();
		CacheRules.compile(cache, true, List.of(), java.util.Set.of(), problems);
		assertThat(problems).isEmpty();
	}

	@Test
	void routesTakeTheDefaultTtlAndOnlyCachedRoutesHaveAPolicy() {
		SwitchboardProperties.Cache cache = new SwitchboardProperties.Cache();
		cache.setTtl(Duration.ofMinutes(7));
		SwitchboardProperties.Route exact = route("fast", "exact");
		SwitchboardProperties.Route shortLived = route("brief", "exact");
		shortLived.getCache().setTtl(Duration.ofSeconds(30));
		shortLived.getCache().setShared(true);
		shortLived.getCache().setStreamsFromJson(false);
		List<String> problems = new ArrayList<>();

		CacheRules rules = CacheRules.compile(cache, false, List.of(exact, shortLived, route("plain", "none")),
				java.util.Set.of(), problems);

		assertThat(problems).isEmpty();
		assertThat(rules.of("fast")).isEqualTo(new CachePolicy(CacheMode.EXACT, Duration.ofMinutes(7), false, 0.92));
		assertThat(rules.of("brief").ttl()).isEqualTo(Duration.ofSeconds(30));
		assertThat(rules.of("brief").shared()).isTrue();
		assertThat(rules.of("fast").streamsFromJson()).as("the default: streams told from JSON answers").isTrue();
		assertThat(rules.of("brief").streamsFromJson()).isFalse();
		assertThat(rules.of("plain")).isNull();
		assertThat(rules.anySemantic()).isFalse();
	}

	private static SwitchboardProperties.Route route(String alias, String mode) {
		SwitchboardProperties.Route route = new SwitchboardProperties.Route();
		route.setModel(alias);
		route.getCache().setMode(mode);
		return route;
	}

}
