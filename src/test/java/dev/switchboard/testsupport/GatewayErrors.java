package dev.switchboard.testsupport;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on the gateway's own error responses:
 * {@code {"error":{"message":"...","type":"...","code":"...","param":...}}} with nothing else in it, as JSON, with an
 * {@code x-request-id}.
 */
public final class GatewayErrors {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private GatewayErrors() {
	}

	/**
	 * Asserts that {@code result} is a gateway error with {@code status}, {@code code} and {@code type}.
	 * @return the {@code error} object, for further checks of its message and param
	 */
	public static JsonNode assertGatewayError(EntityExchangeResult<byte[]> result, int status, String code, String type) {
		String body = (result.getResponseBody() != null) ? new String(result.getResponseBody(), StandardCharsets.UTF_8)
				: "";
		assertThat(result.getStatus().value()).as("status of %s", body).isEqualTo(status);
		assertThat(result.getResponseHeaders().getContentType()).as("errors are JSON")
			.isNotNull()
			.satisfies(type1 -> assertThat(type1.isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue());
		assertThat(result.getResponseHeaders().getFirst("x-request-id")).as("every /v1 response has a request id")
			.isNotBlank();
		JsonNode root = MAPPER.readTree(body);
		assertThat(root.isObject()).as("body %s is an object", body).isTrue();
		assertThat(root.propertyNames()).as("only 'error' at the top level").containsExactly("error");
		JsonNode error = root.get("error");
		assertThat(error.propertyNames()).as("the OpenAI error shape")
			.containsExactlyInAnyOrder("message", "type", "code", "param");
		assertThat(error.get("code").isString()).isTrue();
		assertThat(error.get("code").stringValue()).as("code in %s", body).isEqualTo(code);
		assertThat(error.get("type").stringValue()).as("type in %s", body).isEqualTo(type);
		assertThat(error.get("message").isString()).isTrue();
		assertThat(error.get("message").stringValue()).as("a message a human can act on").isNotBlank();
		assertThat(error.get("param").isNull() || error.get("param").isString()).as("param is a string or null")
			.isTrue();
		return error;
	}

	/** The {@code message} of the error in {@code result}. */
	public static String message(EntityExchangeResult<byte[]> result) {
		return MAPPER.readTree(result.getResponseBody()).get("error").get("message").stringValue();
	}

}
