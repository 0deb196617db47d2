package dev.switchboard.dispatch;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.config.FilterOrder;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answer hooks attached by a filter before the dispatch slot see the chosen answer and its events, in the client's
 * format and in the order they were added, and what they return is what the client gets.
 */
@Import(AnswerHooksIntegrationTests.HookingFilter.class)
class AnswerHooksIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	/** What the second hook saw of each event: the first hook's output. */
	static final List<String> seen = new CopyOnWriteArrayList<>();

	@Test
	void aHookReplacesAJsonAnswerAndSetsHeaders() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "Hi there"))));

		EntityExchangeResult<byte[]> result = send(chatBody("fast"));

		assertThat(new String(result.getResponseBodyContent(), StandardCharsets.UTF_8)).contains("Ho there")
			.doesNotContain("Hi there");
		assertThat(result.getResponseHeaders().getFirst("x-test-hooks")).isEqualTo("first,second");
	}

	@Test
	void hooksTransformAStreamsEventsInTheOrderTheyWereAdded() {
		seen.clear();
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(OpenAiFixtures.stream("gpt-4o-mini", "Hi", " you"))));

		EntityExchangeResult<byte[]> result = send(streamBody("fast"));

		String body = new String(result.getResponseBodyContent(), StandardCharsets.UTF_8);
		assertThat(body).contains("\"Ho\"").doesNotContain("\"Hi\"").endsWith("data: [DONE]\n\n");
		assertThat(seen).isNotEmpty().noneMatch(event -> event.contains("\"Hi\""));
		assertThat(String.join("", seen)).isEqualTo(body);
	}

	private EntityExchangeResult<byte[]> send(String body) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.header("x-test-hooks", "on")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class HookingFilter {

		@Bean
		GlobalFilter hookingFilter() {
			return new OrderedHookingFilter();
		}

	}

	static final class OrderedHookingFilter implements GlobalFilter, org.springframework.core.Ordered {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, org.springframework.cloud.gateway.filter.GatewayFilterChain chain) {
			if (exchange.getRequest().getHeaders().containsHeader("x-test-hooks")) {
				AnswerHooks.add(exchange, new Replacing());
				AnswerHooks.add(exchange, new Recording());
			}
			return chain.filter(exchange);
		}

		@Override
		public int getOrder() {
			return FilterOrder.GUARDRAILS;
		}

	}

	static final class Replacing implements AnswerHook {

		@Override
		public Mono<Answer> onAnswer(ServerWebExchange exchange, Answer answer) {
			exchange.getResponse().getHeaders().set("x-test-hooks", "first");
			if (answer.eventStream()) {
				return Mono.just(answer);
			}
			Flux<ByteBuf> replaced = answer.body().map(Replacing::replace);
			return Mono.just(new Answer(answer.target(), answer.status(), answer.headers(), replaced, null, answer.usage()));
		}

		@Override
		public Flux<ByteBuf> onEvents(ServerWebExchange exchange, Answer answer, Flux<ByteBuf> events) {
			return events.map(Replacing::replace);
		}

		private static ByteBuf replace(ByteBuf buffer) {
			String text = buffer.toString(StandardCharsets.UTF_8).replace("Hi", "Ho");
			buffer.release();
			return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
		}

	}

	static final class Recording implements AnswerHook {

		@Override
		public Mono<Answer> onAnswer(ServerWebExchange exchange, Answer answer) {
			String first = exchange.getResponse().getHeaders().getFirst("x-test-hooks");
			exchange.getResponse().getHeaders().set("x-test-hooks", first + ",second");
			return Mono.just(answer);
		}

		@Override
		public Flux<ByteBuf> onEvents(ServerWebExchange exchange, Answer answer, Flux<ByteBuf> events) {
			return events.doOnNext(event -> seen.add(event.toString(StandardCharsets.UTF_8)));
		}

	}

}
