package dev.switchboard.support;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdFilterTests {

	private static final String GENERATED = "[0-9a-f]{32}";

	private final RequestIdFilter filter = new RequestIdFilter();

	@ParameterizedTest
	@ValueSource(strings = { "req-123", "0f8fad5b-d9cb-469f-a165-70867728950e", "a",
			"visible!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ASCII" })
	void echoesAUsableClientId(String id) {
		ServerWebExchange exchange = run(MockServerHttpRequest.post("/v1/chat/completions").header("x-request-id", id));

		assertThat(exchange.getResponse().getHeaders().getFirst("x-request-id")).as("the client's id comes back")
			.isEqualTo(id);
		assertThat((String) exchange.getAttribute(GatewayAttributes.REQUEST_ID)).as("and is the id the gateway logs")
			.isEqualTo(id);
	}

	@Test
	void echoesAnIdOfExactly128Characters() {
		String id = "r".repeat(128);
		ServerWebExchange exchange = run(MockServerHttpRequest.get("/v1/models").header("x-request-id", id));

		assertThat(exchange.getResponse().getHeaders().getFirst("x-request-id")).isEqualTo(id);
	}

	@ParameterizedTest
	@ValueSource(strings = { "has space", " leading", "trailing ", "tab\there", "new\nline", "carriage\rreturn",
			"nul\u0000", "escape\u001b[31m", "del\u007f", "caf\u00e9", "\u65e5\u672c", "" })
	void replacesAnIdWithSpacesControlOrNonAsciiCharacters(String id) {
		ServerWebExchange exchange = run(MockServerHttpRequest.post("/v1/chat/completions").header("x-request-id", id));

		String sent = exchange.getResponse().getHeaders().getFirst("x-request-id");
		assertThat(sent).as("an id that could inject into logs or headers is replaced by a generated one")
			.matches(GENERATED)
			.isNotEqualTo(id);
		assertThat((String) exchange.getAttribute(GatewayAttributes.REQUEST_ID)).isEqualTo(sent);
	}

	@Test
	void replacesAnIdLongerThan128Characters() {
		String id = "r".repeat(129);
		ServerWebExchange exchange = run(MockServerHttpRequest.post("/v1/chat/completions").header("x-request-id", id));

		assertThat(exchange.getResponse().getHeaders().getFirst("x-request-id")).as("long ids bloat logs and headers")
			.matches(GENERATED);
	}

	@Test
	void generatesAFreshIdWhenTheClientSentNone() {
		ServerWebExchange first = run(MockServerHttpRequest.get("/no/such/path"));
		ServerWebExchange second = run(MockServerHttpRequest.get("/no/such/path"));

		String firstId = first.getResponse().getHeaders().getFirst("x-request-id");
		assertThat(firstId).as("every request gets an id, routed or not").matches(GENERATED);
		assertThat(second.getResponse().getHeaders().getFirst("x-request-id")).as("ids differ between requests")
			.matches(GENERATED)
			.isNotEqualTo(firstId);
		assertThat((Long) first.getAttribute(GatewayAttributes.START_NANOS)).as("the request's start time is recorded")
			.isNotNull();
	}

	@Test
	void theIdIsOnTheResponseBeforeTheRestOfTheChainRuns() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/v1/models").header("x-request-id", "early-1"));
		String[] seenByChain = new String[1];
		WebFilterChain chain = (ex) -> {
			seenByChain[0] = ex.getResponse().getHeaders().getFirst("x-request-id");
			return Mono.empty();
		};

		StepVerifier.create(this.filter.filter(exchange, chain)).verifyComplete();

		assertThat(seenByChain[0]).as("later stages that fail still answer with the id").isEqualTo("early-1");
	}

	private ServerWebExchange run(MockServerHttpRequest.BaseBuilder<?> request) {
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		StepVerifier.create(this.filter.filter(exchange, (ex) -> Mono.empty())).expectComplete().verify(Duration.ofSeconds(5));
		return exchange;
	}

}
