package dev.switchboard.quota;

import java.nio.charset.StandardCharsets;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.SwitchboardApplication;
import dev.switchboard.config.FilterOrder;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.TokenUsage;
import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.PrivateReactorResources;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cache hit, as the cache slot after quota reports one ({@code CACHE_HIT}, and {@code USAGE} with the original
 * answer's tokens): it counts toward requests-per-minute but spends no tokens and no budget, costs 0, and is marked
 * cached. The cache here is a stand-in filter in the cache slot that answers every request itself.
 */
class CacheHitQuotaIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void aCacheHitCountsAsARequestWithoutTokensOrSpend() {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(SwitchboardApplication.class,
				PrivateReactorResources.class, StandInCache.class);
		try (ConfigurableApplicationContext gateway = ExtraGateway.start(builder, "--switchboard.auth.keys[0].name=cached",
				"--switchboard.auth.keys[0].key=sk-cached-0123456789", "--switchboard.auth.keys[0].limits.requests-per-minute=2",
				"--switchboard.auth.keys[0].limits.budget.tokens=500", "--switchboard.auth.keys[0].limits.budget.period=day",
				"--switchboard.auth.keys[1].name=ops", "--switchboard.auth.keys[1].key=sk-cached-ops-0123456789",
				"--switchboard.auth.keys[1].admin=true")) {
			for (int i = 0; i < 2; i++) {
				EntityExchangeResult<byte[]> hit = chat(gateway);
				assertThat(hit.getStatus().value()).isEqualTo(200);
				assertThat(hit.getResponseHeaders().getFirst("x-switchboard-cost-usd")).isEqualTo("0.000000");
			}
			assertThat(chat(gateway).getStatus().value()).as("hits count toward requests-per-minute").isEqualTo(429);
			JsonNode quotas = get(gateway, "/actuator/quotas");
			for (JsonNode limit : quotas.get("limits")) {
				if (limit.get("limit").asString().equals("budget")) {
					assertThat(limit.get("used").asLong()).as("no tokens spent; the reservations released").isZero();
				}
			}
			JsonNode row = get(gateway, "/actuator/usage?group-by=key").get("rows").get(0);
			assertThat(row.get("requests").asLong()).isEqualTo(2);
			assertThat(row.get("cachedRequests").asLong()).isEqualTo(2);
			assertThat(row.get("tokens").get("output").asLong()).isZero();
			assertThat(gateway.getBean(MeterRegistry.class).get(QuotaMetrics.COST).tag("cached", "true").counter().count())
				.isZero();
		}
	}

	private static EntityExchangeResult<byte[]> chat(ConfigurableApplicationContext gateway) {
		return ExtraGateway.client(gateway).post().uri("/v1/chat/completions")
			.header("Authorization", "Bearer sk-cached-0123456789")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"demo\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static JsonNode get(ConfigurableApplicationContext gateway, String uri) {
		return JSON.readTree(ExtraGateway.client(gateway).get().uri(uri).header("Authorization", "Bearer sk-cached-ops-0123456789")
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
	}

	/**
	 * Answers every AI request in the cache slot as a hit with the original answer's usage. Not a
	 * {@code @Configuration}: component scanning would then put it in every other test's gateway too; it is a source
	 * of this test's application only.
	 */
	static class StandInCache {

		@Bean
		GlobalFilter standInCache() {
			return new CacheSlot();
		}

	}

	static final class CacheSlot implements GlobalFilter, Ordered {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
			if (exchange.getAttribute(GatewayAttributes.ROUTE_PLAN) == null) {
				return chain.filter(exchange);
			}
			exchange.getAttributes().put(GatewayAttributes.CACHE_HIT, Boolean.TRUE);
			exchange.getAttributes().put(GatewayAttributes.USAGE, new TokenUsage(40, 60));
			exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
			byte[] body = "{\"id\":\"cached\",\"object\":\"chat.completion\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
			return exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(body)));
		}

		@Override
		public int getOrder() {
			return FilterOrder.CACHE;
		}

	}

}
