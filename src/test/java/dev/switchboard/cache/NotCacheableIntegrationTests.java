package dev.switchboard.cache;

import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
import dev.switchboard.dispatch.Answer;
import dev.switchboard.dispatch.AnswerHook;
import dev.switchboard.dispatch.AnswerHooks;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.PrivateReactorResources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An answer another capability marks {@code NOT_CACHEABLE} (as a guardrail does when it restored masked values for
 * this client only) is not stored, whether it marks it before the answer or while a stream runs. The mark comes from
 * a test filter in the guardrails' slot, in a gateway of its own, on the built-in mock provider.
 */
class NotCacheableIntegrationTests {

	private static final String KEY = "sk-not-cacheable-0123456789";

	private static ConfigurableApplicationContext gateway;

	private static WireMockServer upstream;

	@BeforeAll
	static void start() {
		upstream = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		upstream.start();
		gateway = ExtraGateway.start(new SpringApplicationBuilder(SwitchboardApplication.class,
				PrivateReactorResources.class, MarkingFilter.class), "--switchboard.auth.keys[0].key=" + KEY,
				"--switchboard.providers.mock.type=mock", "--switchboard.routes[0].model=private",
				"--switchboard.routes[0].cache.mode=exact", "--switchboard.routes[0].cache.shared=true",
				"--switchboard.routes[0].targets[0].provider=mock", "--switchboard.routes[0].targets[0].model=mock-1",
				"--switchboard.providers.slow.type=openai", "--switchboard.providers.slow.api-key=sk-slow",
				"--switchboard.providers.slow.base-url=" + upstream.baseUrl() + "/v1", "--switchboard.routes[1].model=slow",
				"--switchboard.routes[1].cache.mode=exact", "--switchboard.routes[1].cache.shared=true",
				"--switchboard.routes[1].targets[0].provider=slow", "--switchboard.routes[1].targets[0].model=s-1");
	}

	@AfterAll
	static void stop() {
		gateway.close();
		upstream.stop();
	}

	@Test
	void aFollowerOfAStreamMarkedForItsLeaderOnlyStillGetsItWholeAndNothingIsStored() throws InterruptedException {
		String events = OpenAiFixtures.stream("s-1", "Masked ", "for ", "one");
		upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(events)
			.withChunkedDribbleDelay(5, 800)));
		String body = ResponseCacheIntegrationTests.streamBody("slow", ResponseCacheIntegrationTests.prompt());

		CompletableFuture<EntityExchangeResult<byte[]>> leader = CompletableFuture.supplyAsync(() -> send(body, "events"));
		Thread.sleep(250);
		EntityExchangeResult<byte[]> follower = send(body, null);

		assertThat(follower.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(new String(follower.getResponseBody())).as("whole, no in-band error").isEqualTo(events);
		assertThat(new String(leader.join().getResponseBody())).isEqualTo(events);
		assertThat(send(body, null).getResponseHeaders().getFirst("x-switchboard-cache")).as("not stored")
			.isEqualTo("miss");
		upstream.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions")));
	}

	@Test
	void anAnswerMarkedForThisClientOnlyIsNotStored() {
		String body = ResponseCacheIntegrationTests.chatBody("private", ResponseCacheIntegrationTests.prompt());
		String stream = ResponseCacheIntegrationTests.streamBody("private", ResponseCacheIntegrationTests.prompt());
		String unmarked = ResponseCacheIntegrationTests.chatBody("private", ResponseCacheIntegrationTests.prompt());

		send(body, "answer");
		send(stream, "events");
		send(unmarked, null);

		assertThat(send(body, null).getResponseHeaders().getFirst("x-switchboard-cache")).as("marked before the answer")
			.isEqualTo("miss");
		assertThat(send(stream, null).getResponseHeaders().getFirst("x-switchboard-cache")).as("marked mid-stream")
			.isEqualTo("miss");
		assertThat(send(unmarked, null).getResponseHeaders().getFirst("x-switchboard-cache")).as("the control")
			.isEqualTo("hit");
	}

	private static EntityExchangeResult<byte[]> send(String body, String mark) {
		return ExtraGateway.client(gateway)
			.post()
			.uri("/v1/chat/completions")
			.header("Authorization", "Bearer " + KEY)
			.headers(headers -> {
				if (mark != null) {
					headers.set("x-test-not-cacheable", mark);
				}
			})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	/**
	 * In the guardrails' slot: marks the answer not cacheable when it is chosen, or once a stream ended. Not a
	 * {@code @Configuration}, which component scanning would put in every other test's gateway: a source of this
	 * test's application only.
	 */
	static class MarkingFilter {

		@Bean
		GlobalFilter notCacheableMark() {
			return new Marking();
		}

	}

	/** Ordered explicitly: SCG takes a global filter's order from {@link Ordered}, not from its bean method. */
	static class Marking implements GlobalFilter, Ordered {

		@Override
		public int getOrder() {
			return FilterOrder.GUARDRAILS;
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
			String mark = exchange.getRequest().getHeaders().getFirst("x-test-not-cacheable");
			if (mark != null) {
				AnswerHooks.add(exchange, new AnswerHook() {

					@Override
					public Mono<Answer> onAnswer(ServerWebExchange exchange, Answer answer) {
						if (mark.equals("answer")) {
							exchange.getAttributes().put(GatewayAttributes.NOT_CACHEABLE, "restored masked values");
						}
						return Mono.just(answer);
					}

					@Override
					public Flux<ByteBuf> onEvents(ServerWebExchange exchange, Answer answer, Flux<ByteBuf> events) {
						// as the guardrails do: the mark is set once the stream's end has passed this hook
						return events.doFinally(signal -> exchange.getAttributes()
							.put(GatewayAttributes.NOT_CACHEABLE, "restored masked values"));
					}

				});
			}
			return chain.filter(exchange);
		}

	}

}
