package dev.switchboard.body;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.Json;

/**
 * Finds {@code model}, {@code stream} and {@code stream_options.include_usage} in a request body with Jackson's streaming parser: one pass over the tokens,
 * no tree, nested values skipped. The whole document is still read to the end, so a body that is not JSON is
 * rejected here rather than by the provider.
 */
public final class JsonRequestParser {

	private JsonRequestParser() {
	}

	/**
	 * Parses {@code bytes}.
	 * @throws GatewayException {@code invalid_json} when it is not one JSON object or names {@code model} twice,
	 * {@code missing_model} when it has no non-empty {@code model} string
	 */
	public static JsonRequest parse(byte[] bytes) {
		return parse(bytes, null, false);
	}

	/**
	 * Parses the body of a request whose model is named by its URL (Gemini's {@code /v1beta/models/{model}:...}),
	 * or by the body when {@code pathModel} is {@code null}. With a path model the body's own {@code model}, if any,
	 * is not read (a {@code countTokens} body may carry one inside) and never replaced upstream.
	 * @param pathStream whether the URL asks for a stream ({@code :streamGenerateContent})
	 */
	public static JsonRequest parse(byte[] bytes, @Nullable String pathModel, boolean pathStream) {
		String model = null;
		int modelStart = -1;
		int modelEnd = -1;
		boolean stream = false;
		boolean streamUsage = false;
		java.util.Set<String> droppable = null;
		try (JsonParser parser = Json.parser(bytes)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw invalid("The request body must be a JSON object.");
			}
			JsonToken token;
			while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if (pathModel != null) {
					parser.skipChildren();
				}
				else if ("model".equals(name)) {
					if (modelStart >= 0 || model != null) {
						// Providers keep the last duplicate; the gateway checks the first. Refuse rather than
						// authorise one model and send another.
						throw invalid("The request body names \"model\" more than once.");
					}
					if (value == JsonToken.VALUE_STRING) {
						modelStart = (int) parser.currentTokenLocation().getByteOffset();
						model = parser.getString();
						modelEnd = (int) parser.currentLocation().getByteOffset();
					}
					else {
						model = "";
						// an object or array is not a model name: skip it whole, or its fields pass for top-level ones
						parser.skipChildren();
					}
				}
				else if ("stream".equals(name)) {
					stream = value == JsonToken.VALUE_TRUE;
					parser.skipChildren();
				}
				else if ("stream_options".equals(name) && value == JsonToken.START_OBJECT) {
					streamUsage = includesUsage(parser);
				}
				else if (JsonRequest.DROPPABLE.contains(name)) {
					if (droppable == null) {
						droppable = new java.util.HashSet<>(4);
					}
					droppable.add(name);
					parser.skipChildren();
				}
				else {
					parser.skipChildren();
				}
			}
			if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
				throw invalid("The request body must be a single JSON object.");
			}
		}
		catch (JacksonException ex) {
			throw invalid("The request body is not valid JSON: " + ex.getOriginalMessage());
		}
		if (pathModel != null) {
			return new JsonRequest(bytes, pathModel, -1, -1, pathStream, false, java.util.Set.of());
		}
		if (model == null || model.isBlank() || modelStart < 0) {
			throw new GatewayException(ErrorCode.MISSING_MODEL, "The request body has no \"model\" string.", "model",
					org.springframework.http.HttpHeaders.EMPTY);
		}
		return new JsonRequest(bytes, model, modelStart, modelEnd, stream, streamUsage,
				(droppable != null) ? droppable : java.util.Set.of());
	}

	/** Reads a {@code stream_options} object to its end: whether {@code include_usage} is {@code true}. */
	private static boolean includesUsage(JsonParser parser) {
		boolean include = false;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String option = parser.currentName();
			JsonToken value = parser.nextToken();
			if ("include_usage".equals(option)) {
				include = value == JsonToken.VALUE_TRUE;
			}
			parser.skipChildren();
		}
		return include;
	}

	private static GatewayException invalid(String message) {
		return new GatewayException(ErrorCode.INVALID_JSON, message);
	}

}
