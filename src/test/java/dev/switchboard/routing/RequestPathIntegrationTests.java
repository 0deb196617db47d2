package dev.switchboard.routing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request path on Spring Cloud Gateway's handler mapping beside WebFlux's other mappings (actuator): which one
 * answers what, and that every response carries a request id.
 */
class RequestPathIntegrationTests extends GatewayIntegrationTest {

	@Test
	void servesAnApiRequestWhoseUrlHasAQueryString() {
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri("/v1/chat/completions?api-version=2024-10-21")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.header("x-request-id", "query-string-1")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("mock/mock-1"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult();

		assertThat(result.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("mock");
		assertThat(result.getResponseHeaders().getFirst("x-request-id")).isEqualTo("query-string-1");
	}

	@Test
	void leavesTheActuatorToWebFluxWithARequestIdAndNoApiErrorShape() {
		EntityExchangeResult<byte[]> health = this.client.get()
			.uri("/actuator/health")
			.header("x-request-id", "probe-1")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult();
		EntityExchangeResult<byte[]> missing = this.client.get()
			.uri("/v2/chat/completions")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.returnResult();

		assertThat(health.getResponseHeaders().getFirst("x-request-id")).isEqualTo("probe-1");
		assertThat(new String(health.getResponseBody())).contains("\"status\":\"UP\"");
		assertThat(missing.getResponseHeaders().getFirst("x-request-id")).matches("[0-9a-f]{32}");
		assertThat(new String(missing.getResponseBody())).as("Spring Boot's error shape, not the API's")
			.doesNotContain("invalid_request_error");
	}

	@Test
	void answersAnAbsoluteFormRequestUnderTheApiInTheApisErrorShapeToo() throws IOException {
		// "GET http://host/v1/nope", as a client configured for a forward proxy sends it: its path still reaches the
		// switchboard-api catch-all, answered in the API's error shape
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write(("GET http://localhost:" + this.port + "/v1/nope HTTP/1.1\r\nHost: localhost\r\n"
						+ "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

			assertThat(response).startsWith("HTTP/1.1 404").contains("\"code\":\"unknown_url\"");
		}
	}

	@Test
	void answersAHeadRequestUnderTheApiAsAnUnknownUrlWithoutABody() {
		EntityExchangeResult<byte[]> result = this.client.head()
			.uri("/v1/models")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.returnResult();

		assertThat(result.getResponseBody()).isNullOrEmpty();
		assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
	}

}
