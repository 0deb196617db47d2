package dev.switchboard.auth;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls {@code /admin/keys} of one gateway as an admin, the way curl would. */
final class AdminApi {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final WebTestClient client;

	private final String adminKey;

	AdminApi(WebTestClient client, String adminKey) {
		this.client = client;
		this.adminKey = adminKey;
	}

	/** Issues a key from {@code json}, expecting 201; the key and its record. */
	Issued issue(String json) {
		EntityExchangeResult<byte[]> result = call(HttpMethod.POST, "/admin/keys", json);
		assertThat(result.getStatus().value()).as(body(result)).isEqualTo(201);
		JsonNode answer = read(result);
		return new Issued(answer.get("key").asString(), answer.get("record"));
	}

	EntityExchangeResult<byte[]> call(HttpMethod method, String path, @Nullable String json) {
		return call(method, path, json, this.adminKey);
	}

	EntityExchangeResult<byte[]> call(HttpMethod method, String path, @Nullable String json, String key) {
		WebTestClient.RequestBodySpec request = this.client.method(method)
			.uri(path)
			.header("Authorization", "Bearer " + key);
		WebTestClient.RequestHeadersSpec<?> spec = (json != null)
				? request.contentType(MediaType.APPLICATION_JSON).bodyValue(json) : request;
		return spec.exchange().expectBody().returnResult();
	}

	static JsonNode read(EntityExchangeResult<byte[]> result) {
		return MAPPER.readTree(result.getResponseBodyContent());
	}

	static String body(EntityExchangeResult<byte[]> result) {
		byte[] bytes = result.getResponseBodyContent();
		return (bytes != null) ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : "";
	}

	record Issued(String key, JsonNode record) {
	}

}
