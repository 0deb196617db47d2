package dev.switchboard.quota;

import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request is settled (its reservation replaced by its usage, its concurrency lease released) before the client
 * has the end of its answer, so a client that sends its next request as soon as it has read one is admitted against
 * counters that already hold the first. Here a response decorator sends every JSON answer with its length and
 * completes the write half a second after its last byte went out, as a slow socket or a busy event loop may: the
 * client has its answer and sends again while the exchange has not yet ended, so a settlement at the end of the
 * exchange would come after the next admission (which a loaded CI machine showed, without the decorator, as a rare
 * spurious refusal).
 */
@Import(SettledBeforeTheAnswerEndsIntegrationTests.LateWriteCompletion.class)
class SettledBeforeTheAnswerEndsIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration LATE = Duration.ofMillis(500);

	@DynamicPropertySource
	static void stateOfItsOwn(DynamicPropertyRegistry registry) throws java.io.IOException {
		// this context's issued keys and counters are its own, not the shared gateway's
		String dir = Files.createTempDirectory("switchboard-settled-").toString();
		registry.add("switchboard.state.dir", () -> dir);
	}

	@Test
	void theNextRequestAfterAJsonAnswerSeesItsSpendAndNotItsLease() {
		// each answer reports 1,000 tokens: the first spends the whole budget of 500
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
					+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
					+ "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":990,"
					+ "\"total_tokens\":1000}}")));
		String key = issue("{\"name\":\"settled-json\",\"limits\":{\"concurrent-requests\":1,"
				+ "\"budget\":{\"tokens\":500,\"period\":\"day\"}}}");
		String body = "{\"model\":\"fast\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

		EntityExchangeResult<byte[]> first = chat(key, body);
		assertThat(first.getStatus().value()).isEqualTo(200);
		EntityExchangeResult<byte[]> second = chat(key, body);
		assertThat(second.getStatus().value()).as("refused by the spent budget, not by the first one's lease")
			.isEqualTo(429);
		assertThat(JSON.readTree(second.getResponseBodyContent()).get("error").get("code").asString())
			.isEqualTo("budget_exceeded");
	}

	@Test
	void aSequentialClientWithOneConcurrentRequestIsNeverRefused() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "ok"))));
		String key = issue("{\"name\":\"settled-sequential\",\"limits\":{\"concurrent-requests\":1}}");
		String body = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

		for (int i = 0; i < 3; i++) {
			EntityExchangeResult<byte[]> answer = chat(key, body);
			assertThat(answer.getStatus().value()).as("request %d: %s", i + 1, text(answer)).isEqualTo(200);
		}
	}

	private String issue(String json) {
		EntityExchangeResult<byte[]> issued = this.client.post()
			.uri("/admin/keys")
			.header("Authorization", "Bearer " + ADMIN_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(json)
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(issued.getStatus().value()).as(text(issued)).isEqualTo(201);
		JsonNode answer = JSON.readTree(issued.getResponseBodyContent());
		return answer.get("key").asString();
	}

	private EntityExchangeResult<byte[]> chat(String key, String body) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static String text(EntityExchangeResult<byte[]> result) {
		byte[] bytes = result.getResponseBodyContent();
		return (bytes != null) ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : "";
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class LateWriteCompletion {

		/** First of all filters: every later one, the quota slot included, writes through the slow response. */
		@Bean
		GlobalFilter lateWriteCompletionFilter() {
			return new LateFilter();
		}

	}

	static final class LateFilter implements GlobalFilter, Ordered {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
			ServerHttpResponseDecorator late = new ServerHttpResponseDecorator(exchange.getResponse()) {

				@Override
				public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
					// with its length known, the client has the whole answer once the bytes are out: before the end
					return DataBufferUtils.join(body).flatMap(whole -> {
						getHeaders().setContentLength(whole.readableByteCount());
						return super.writeWith(Mono.just(whole));
					}).then(Mono.delay(LATE)).then();
				}

			};
			return chain.filter(exchange.mutate().response(late).build());
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
