package dev.switchboard.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request captured from a real client (Claude Code, Codex CLI, Gemini CLI) against a running gateway, kept under
 * {@code src/test/resources/clients/} with the client's version: its path, its headers (the key replaced by
 * {@code <gateway-key>}) and its body, exactly as the client sent them.
 *
 * @param name the transcript's file name
 * @param client the client's name
 * @param version the client's version
 * @param path the path and query it called, for the model {@code demo}
 * @param headers its headers, in order
 * @param body its body
 */
public record ClientTranscript(String name, String client, String version, String path, Map<String, String> headers, ObjectNode body) {

	/** Where the key was in the captured headers. */
	public static final String KEY_PLACEHOLDER = "<gateway-key>";

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	public static ClientTranscript load(String resource) {
		try (InputStream in = ClientTranscript.class.getResourceAsStream("/clients/" + resource)) {
			if (in == null) {
				throw new IllegalArgumentException("no transcript " + resource);
			}
			JsonNode root = MAPPER.readTree(in);
			Map<String, String> headers = new LinkedHashMap<>();
			root.path("headers").properties().forEach(entry -> headers.put(entry.getKey(), entry.getValue().asString()));
			return new ClientTranscript(resource, root.path("client").asString(), root.path("version").asString(),
					root.path("path").asString(), headers, (ObjectNode) root.path("body"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The body as the client would send it for {@code model} (Gemini clients name it in the path only). */
	public String bodyFor(String model) {
		ObjectNode body = this.body.deepCopy();
		if (body.has("model")) {
			body.put("model", model);
		}
		return MAPPER.writeValueAsString(body);
	}

	/** The path for {@code model}. */
	public String pathFor(String model) {
		return this.path.replace("/models/demo:", "/models/" + model + ":");
	}

	@Override
	public String toString() {
		return this.name;
	}

}
