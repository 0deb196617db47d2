package dev.switchboard.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayErrorHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link ApiHandler} picks a pipeline and runs it, without a server: the order of filters, the endpoints by
 * method and path, and what happens to a filter that fails in each way it can.
 */
class ApiHandlerTests {

	private final List<String> ran = new ArrayList<>();

	@Test
	void runsTheObservingFiltersThenTheEndpointsInOrderWithARequestIdSet() {
		ApiHandler handler = handler(Map.of("/v1/chat/completions", List.of(step("auth"), step("body"), answer("dispatch"))));
		MockServerHttpResponse response = new MockServerHttpResponse();

		StepVerifier.create(handler.handle(MockServerHttpRequest.post("/v1/chat/completions").build(), response))
			.verifyComplete();

		assertThat(this.ran).containsExactly("metrics", "auth", "body", "dispatch");
		assertThat(response.getHeaders().getFirst("x-request-id")).matches("[0-9a-f]{32}");
		assertThat(response.getBodyAsString().block()).isEqualTo("dispatch");
	}

	@Test
	void servesTheModelsListAndOneModelOnGetOnly() {
		ApiHandler handler = handler(Map.of());

		for (String path : new String[] { "/v1/models", "/v1/models/openai/gpt-4o" }) {
			MockServerHttpResponse response = new MockServerHttpResponse();
			handler.handle(MockServerHttpRequest.get(path).build(), response).block();
			assertThat(response.getBodyAsString().block()).as(path).isEqualTo("models");
		}
		MockServerHttpResponse post = new MockServerHttpResponse();
		handler.handle(MockServerHttpRequest.post("/v1/models").build(), post).block();
		assertThat(post.getStatusCode().value()).isEqualTo(404);
	}

	@Test
	void answersAnUnknownUrlAfterTheObservingFiltersInTheOpenAiShape() {
		MockServerHttpResponse response = new MockServerHttpResponse();

		handler(Map.of()).handle(MockServerHttpRequest.post("/v1/nope").build(), response).block();

		assertThat(this.ran).containsExactly("metrics");
		assertThat(response.getStatusCode().value()).isEqualTo(404);
		assertThat(response.getBodyAsString().block()).contains("\"code\":\"unknown_url\"")
			.contains("Unknown request URL: POST /v1/nope");
	}

	@Test
	void aFilterThatThrowsInsteadOfFailingGetsAnInternalErrorInTheCallersFormat() {
		ApiHandler handler = handler(Map.of("/v1/messages", List.<ApiFilter>of((exchange, chain) -> {
			throw new IllegalStateException("bug");
		})));
		MockServerHttpResponse response = new MockServerHttpResponse();

		StepVerifier.create(handler.handle(MockServerHttpRequest.post("/v1/messages").build(), response))
			.verifyComplete();

		assertThat(response.getStatusCode().value()).isEqualTo(500);
		assertThat(response.getBodyAsString().block()).startsWith("{\"type\":\"error\"").doesNotContain("bug");
	}

	@Test
	void anErrorAfterTheResponseStartedIsPassedOnSoTheConnectionCloses() {
		ApiHandler handler = handler(Map.of("/v1/chat/completions",
				List.<ApiFilter>of((exchange, chain) -> exchange.getResponse()
					.setComplete()
					.then(Mono.error(new IllegalStateException("after commit"))))));

		StepVerifier.create(handler.handle(MockServerHttpRequest.post("/v1/chat/completions").build(),
				new MockServerHttpResponse()))
			.verifyErrorMessage("after commit");
	}

	private ApiHandler handler(Map<String, List<ApiFilter>> posts) {
		return new ApiHandler(posts, List.of(answer("models")), List.of(step("metrics")), new GatewayErrorHandler());
	}

	private ApiFilter step(String name) {
		return (exchange, chain) -> {
			this.ran.add(name);
			return chain.filter(exchange);
		};
	}

	private ApiFilter answer(String name) {
		return (exchange, chain) -> {
			this.ran.add(name);
			assertThat((String) exchange.getAttribute(GatewayAttributes.REQUEST_ID)).isNotNull();
			return write(exchange, name);
		};
	}

	private static Mono<Void> write(ServerWebExchange exchange, String body) {
		exchange.getResponse().getHeaders().setContentType(MediaType.TEXT_PLAIN);
		return exchange.getResponse()
			.writeWith(Mono.just(DefaultDataBufferFactory.sharedInstance.wrap(body.getBytes(StandardCharsets.UTF_8))));
	}

}
