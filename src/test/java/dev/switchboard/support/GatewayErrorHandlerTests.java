package dev.switchboard.support;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import reactor.netty.channel.AbortedException;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayErrorHandlerTests {

	private final GatewayErrorHandler handler = new GatewayErrorHandler();

	@Test
	void aClientThatWentAwayGetsNoAnswerAndIsNoError() {
		MockServerWebExchange exchange = exchange();

		StepVerifier.create(this.handler.handle(exchange, new AbortedException("Connection has been closed"))).verifyComplete();

		assertThat(exchange.getResponse().getStatusCode()).as("nothing written").isNull();
	}

	@Test
	void aConnectionResetByTheClientIsTreatedTheSame() {
		StepVerifier.create(this.handler.handle(exchange(), new IOException("Connection reset by peer"))).verifyComplete();
	}

	@Test
	void anythingElseIsAnsweredAsAnInternalError() {
		MockServerWebExchange exchange = exchange();

		StepVerifier.create(this.handler.handle(exchange, new IllegalStateException("bug"))).verifyComplete();

		assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(500);
	}

	private static MockServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
	}

}
