package dev.switchboard.support;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.util.function.Tuple3;
import reactor.util.function.Tuples;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static dev.switchboard.testsupport.GatewayErrors.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error the gateway answers itself, through the HTTP surface: status, the exact
 * {@code {"error":{"message","type","code","param"}}} shape, and {@code x-request-id}.
 */
class ErrorResponsesIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	/** Over the 64KB limit of application-it.yaml. */
	private static final int OVER_LIMIT = 200 * 1024;

	@Test
	void answers401InvalidApiKeyWhenNoKeyIsSent() {
		EntityExchangeResult<byte[]> result = send(null, MediaType.APPLICATION_JSON_VALUE, chatBody("fast"));

		assertGatewayError(result, 401, "invalid_api_key", "authentication_error");
		assertNoUpstreamRequest();
	}

	@Test
	void answers401InvalidApiKeyForAnUnknownBearerKeyWithoutEchoingIt() {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer sk-wrong-key-4242")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();

		JsonNode error = assertGatewayError(result, 401, "invalid_api_key", "authentication_error");
		assertThat(error.get("param").isNull()).isTrue();
		assertThat(body(result)).as("the presented key is never echoed").doesNotContain("sk-wrong-key-4242");
	}

	@Test
	void answers401InvalidApiKeyForAnUnknownXApiKey() {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("x-api-key", "sk-wrong-key-4242")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(result, 401, "invalid_api_key", "authentication_error");
		assertThat(body(result)).doesNotContain("sk-wrong-key-4242");
	}

	@Test
	void answers401BeforeLookingAtTheBody() {
		EntityExchangeResult<byte[]> result = send(null, MediaType.TEXT_PLAIN_VALUE, "not json at all");

		assertGatewayError(result, 401, "invalid_api_key", "authentication_error");
	}

	@Test
	void answers403ModelNotAllowedWhenTheKeyMayNotUseTheModel() {
		EntityExchangeResult<byte[]> result = send(HASHED_KEY, MediaType.APPLICATION_JSON_VALUE, chatBody("chain"));

		assertGatewayError(result, 403, "model_not_allowed", "permission_error");
		assertThat(message(result)).contains("chain");
		assertThat(body(result)).doesNotContain(HASHED_KEY);
		assertNoUpstreamRequest();
	}

	@ParameterizedTest
	@ValueSource(strings = { "no-such-alias", "nosuch/gpt-4o-mini", "primary/", "/gpt-4o-mini", "Fast" })
	void answers404ModelNotFoundWhenNoRouteOrProviderMatches(String model) {
		EntityExchangeResult<byte[]> result = send(TEAM_A_KEY, MediaType.APPLICATION_JSON_VALUE, chatBody(model));

		assertGatewayError(result, 404, "model_not_found", "invalid_request_error");
		assertThat(message(result)).contains(model);
		assertNoUpstreamRequest();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"model\":\"fast\",", "[{\"model\":\"fast\"}]", "{\"model\":\"fast\"} trailing",
			"{\"model\":\"fast\",\"model\":\"chain\"}", "" })
	void answers400InvalidJsonForABodyThatIsNotOneJsonObject(String body) {
		EntityExchangeResult<byte[]> result = send(TEAM_A_KEY, MediaType.APPLICATION_JSON_VALUE, body);

		assertGatewayError(result, 400, "invalid_json", "invalid_request_error");
		assertNoUpstreamRequest();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"messages\":[]}", "{\"model\":\"\"}", "{\"model\":42}" })
	void answers400MissingModelWhenTheBodyHasNoModelString(String body) {
		EntityExchangeResult<byte[]> result = send(TEAM_A_KEY, MediaType.APPLICATION_JSON_VALUE, body);

		JsonNode error = assertGatewayError(result, 400, "missing_model", "invalid_request_error");
		assertThat(error.get("param").stringValue()).isEqualTo("model");
	}

	@ParameterizedTest
	@ValueSource(strings = { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
			"application/jsonx" })
	void answers415UnsupportedMediaTypeForABodyThatIsNotJson(String contentType) {
		EntityExchangeResult<byte[]> result = send(TEAM_A_KEY, contentType, chatBody("fast"));

		assertGatewayError(result, 415, "unsupported_media_type", "invalid_request_error");
		assertNoUpstreamRequest();
	}

	@Test
	void answers415WhenTheContentTypeIsMissing() {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.bodyValue(chatBody("fast").getBytes(StandardCharsets.UTF_8))
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(result, 415, "unsupported_media_type", "invalid_request_error");
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON" })
	void acceptsJsonWithParametersOrInAnotherCase(String contentType) {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "ok"))));

		EntityExchangeResult<byte[]> result = send(TEAM_A_KEY, contentType, chatBody("fast"));

		assertThat(result.getStatus().value()).as("'%s' is JSON", contentType).isEqualTo(200);
	}

	@Test
	void answers413RequestTooLargeForADeclaredContentLengthOverTheLimit() {
		String body = oversizedBody(OVER_LIMIT);

		EntityExchangeResult<byte[]> result = send(TEAM_A_KEY, MediaType.APPLICATION_JSON_VALUE, body);

		assertThat(result.getRequestHeaders().getContentLength()).as("the client declared the size").isEqualTo(body.length());
		assertGatewayError(result, 413, "request_too_large", "invalid_request_error");
		assertNoUpstreamRequest();
	}

	@Test
	void answers413RequestTooLargeForAChunkedBodyOverTheLimit() {
		Tuple3<Integer, String, String> response = sendChunked(OVER_LIMIT);

		assertThat(response.getT1()).as("the client sees the 413, not a reset connection").isEqualTo(413);
		assertThat(response.getT2()).as("x-request-id").isNotBlank();
		assertThat(response.getT3()).contains("\"code\":\"request_too_large\"")
			.contains("\"type\":\"invalid_request_error\"");
		assertNoUpstreamRequest();
	}

	@Test
	void acceptsAChunkedBodyUnderTheLimit() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "ok"))));

		Tuple3<Integer, String, String> response = sendChunked(32 * 1024);

		assertThat(response.getT1()).isEqualTo(200);
		assertThat(PRIMARY.getAllServeEvents().get(0).getRequest().getBodyAsString())
			.as("the whole body went upstream, with only the model rewritten")
			.isEqualTo(oversizedBody(32 * 1024).replace("\"fast\"", "\"gpt-4o-mini\""));
	}

	@Test
	void refusesADeclaredOversizedBodyBeforeItIsSentWhenTheClientWaitsFor100Continue() throws Exception {
		String head = "POST " + CHAT + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TEAM_A_KEY
				+ "\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\nExpect: 100-continue\r\n\r\n";
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(head.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String response = readHead(socket.getInputStream());

			assertThat(response).as("a final 413 instead of '100 Continue'").startsWith("HTTP/1.1 413");
			assertThat(response.toLowerCase()).contains("x-request-id:");
		}
		assertNoUpstreamRequest();
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST /v1/nope", "GET /v1/chat/completions", "GET /v1/", "DELETE /v1/models" })
	void answers404ForAnUnknownUrlUnderV1AsAJsonError(String request) {
		String[] parts = request.split(" ");
		EntityExchangeResult<byte[]> result = this.client.method(HttpMethod.valueOf(parts[0]))
			.uri(parts[1])
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(result, 404, "unknown_url", "invalid_request_error");
	}

	@Test
	void echoesTheClientsRequestIdOnAnError() {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("x-request-id", "client-id-123")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(result, 401, "invalid_api_key", "authentication_error");
		assertThat(result.getResponseHeaders().get("x-request-id")).containsExactly("client-id-123");
	}

	@Test
	void echoesTheClientsRequestIdOnAnUnknownUrl() {
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/v1/nope")
			.header("x-request-id", "client-id-404")
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(result, 404, "unknown_url", "invalid_request_error");
		assertThat(result.getResponseHeaders().get("x-request-id")).containsExactly("client-id-404");
	}

	@Test
	void generatesARequestIdWhenTheClientSentNone() {
		EntityExchangeResult<byte[]> first = send(null, MediaType.APPLICATION_JSON_VALUE, chatBody("fast"));
		EntityExchangeResult<byte[]> second = send(null, MediaType.APPLICATION_JSON_VALUE, chatBody("fast"));

		assertThat(first.getResponseHeaders().getFirst("x-request-id")).matches("[0-9a-f]{32}");
		assertThat(second.getResponseHeaders().getFirst("x-request-id")).as("a new id per request")
			.isNotEqualTo(first.getResponseHeaders().getFirst("x-request-id"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "has space", "tab\there", "é-not-ascii" })
	void replacesARequestIdThatIsNotVisibleAscii(String id) {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("x-request-id", id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getResponseHeaders().getFirst("x-request-id")).matches("[0-9a-f]{32}");
	}

	@Test
	void replacesARequestIdLongerThan128Characters() {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(CHAT)
			.header("x-request-id", "a".repeat(129))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("fast"))
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getResponseHeaders().getFirst("x-request-id")).matches("[0-9a-f]{32}");
	}

	private EntityExchangeResult<byte[]> send(String key, String contentType, String body) {
		return this.client.post()
			.uri(CHAT)
			.headers(headers -> {
				if (key != null) {
					headers.setBearerAuth(key);
				}
				headers.set("Content-Type", contentType);
			})
			.bodyValue(body.getBytes(StandardCharsets.UTF_8))
			.exchange()
			.expectBody()
			.returnResult();
	}

	/** Sends {@link #oversizedBody} of {@code size} in 4KB chunks, with no Content-Length. */
	private Tuple3<Integer, String, String> sendChunked(int size) {
		byte[] body = oversizedBody(size).getBytes(StandardCharsets.UTF_8);
		Flux<ByteBuf> chunks = Flux.range(0, (body.length + 4095) / 4096)
			.map(i -> Unpooled.wrappedBuffer(body, i * 4096, Math.min(4096, body.length - i * 4096)));
		return HttpClient.create()
			.headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TEAM_A_KEY)
				.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
				.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED))
			.post()
			.uri(baseUrl() + CHAT)
			.send(chunks)
			.responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.map(text -> Tuples.of(response.status().code(),
						String.valueOf(response.responseHeaders().get("x-request-id")), text)))
			.block(Duration.ofSeconds(30));
	}

	/** A valid chat request of exactly {@code size} bytes. */
	private static String oversizedBody(int size) {
		String head = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"";
		String tail = "\"}]}";
		return head + "a".repeat(size - head.length() - tail.length()) + tail;
	}

	private static String readHead(InputStream in) throws Exception {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) >= 0) {
			head.write(b);
			String text = head.toString(StandardCharsets.ISO_8859_1);
			if (text.endsWith("\r\n\r\n")) {
				return text;
			}
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	private static void assertNoUpstreamRequest() {
		PRIMARY.verify(0, anyRequestedFor(anyUrl()));
		SECONDARY.verify(0, anyRequestedFor(anyUrl()));
		THIRD.verify(0, anyRequestedFor(anyUrl()));
	}

	private static String body(EntityExchangeResult<byte[]> result) {
		return new String(result.getResponseBody(), StandardCharsets.UTF_8);
	}

}
