package dev.switchboard.testsupport;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on errors in Anthropic's shape: {@code {"type":"error","error":{"type":"...","message":"..."}}}, as JSON,
 * with an {@code x-request-id}.
 */
public final class AnthropicErrors {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private AnthropicErrors() {
	}

	/**
	 * Asserts that {@code result} is an Anthropic-shaped error with {@code status} and {@code type}.
	 * @return the error's message
	 */
	public static String assertAnthropicError(EntityExchangeResult<byte[]> result, int status, String type) {
		String body = (result.getResponseBody() != null) ? new String(result.getResponseBody(), StandardCharsets.UTF_8)
				: "";
		assertThat(result.getStatus().value()).as("status of %s", body).isEqualTo(status);
		assertThat(result.getResponseHeaders().getContentType()).as("errors are JSON")
			.isNotNull()
			.satisfies(contentType -> assertThat(contentType.isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue());
		assertThat(result.getResponseHeaders().getFirst("x-request-id")).isNotBlank();
		JsonNode root = MAPPER.readTree(body);
		assertThat(root.propertyNames()).as("Anthropic's error shape in %s", body).containsExactlyInAnyOrder("type", "error");
		assertThat(root.get("type").stringValue()).isEqualTo("error");
		JsonNode error = root.get("error");
		assertThat(error.propertyNames()).as("Anthropic's error object in %s", body).containsExactlyInAnyOrder("type", "message");
		assertThat(error.get("type").stringValue()).as("type in %s", body).isEqualTo(type);
		assertThat(error.get("message").stringValue()).as("a message a human can act on").isNotBlank();
		return error.get("message").stringValue();
	}

}
