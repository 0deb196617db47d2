package dev.switchboard.cache;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.support.Json;
import dev.switchboard.translate.JsonTrees;

/**
 * The cache key of a request: a SHA-256 over a canonical form of what changes the answer, and, for the semantic mode,
 * the conversation's text and the key of everything else.
 * <p>
 * The canonical form is the request after routing: the route's name in place of the {@code model} the client sent,
 * then every top-level property but {@code model}, {@code stream} and {@code stream_options}, with object keys sorted
 * at every depth and numbers normalised ({@code 1}, {@code 1.0} and {@code 1e0} are one value). With
 * {@code shared: false} the gateway key's name is part of it, never the key. The endpoint is part of it, since
 * a Chat Completions answer is not a Messages answer; whether the client streamed is part of it only for an
 * endpoint whose answers cannot be turned from one form into the other ({@link AnswerForms#convertible}).
 *
 * @param exact the key of the exact lookup and of singleflight
 * @param similar semantic mode: the key of the other parameters (everything but the conversation's text, with the
 * roles of its turns), within which stored conversations are compared; {@code null} when the request cannot be
 * compared by meaning (a part that is not text, a conversation with no text)
 * @param text semantic mode: the conversation's text to embed, or {@code null} as for {@code similar}
 */
public record CacheKey(String exact, @Nullable String similar, @Nullable String text) {

	/** Never part of the key: how the answer is delivered, not what it says. */
	private static final Set<String> DELIVERY = Set.of("model", "stream", "stream_options");

	/** What the semantic mode embeds; the rest of the request is compared exactly. */
	private static final Set<String> CONVERSATION = Set.of("messages", "system", "instructions", "input");

	/**
	 * @param owner the gateway key's name when answers are per key, {@code null} when shared
	 * @param semantic whether to compute the semantic parts too
	 * @return the key, or {@code null} when the body is not a JSON object
	 */
	static @Nullable CacheKey of(Endpoint endpoint, String route, @Nullable String owner, boolean stream, byte[] body,
			boolean semantic) {
		ObjectNode request = JsonTrees.parseObject(body);
		if (request == null) {
			return null;
		}
		StringBuilder head = new StringBuilder(64).append("v1\n").append(endpoint.name()).append('\n');
		Json.appendString(head, route).append('\n');
		Json.appendString(head, (owner != null) ? "key:" + owner : "*").append('\n');
		if (!AnswerForms.convertible(endpoint)) {
			head.append(stream ? "stream\n" : "whole\n");
		}
		StringBuilder exact = new StringBuilder(body.length + 64).append(head);
		canonical(request, DELIVERY, exact);
		if (!semantic) {
			return new CacheKey(sha256(exact), null, null);
		}
		String text = (endpoint != Endpoint.EMBEDDINGS) ? ConversationText.of(request) : null;
		if (text == null) {
			return new CacheKey(sha256(exact), null, null);
		}
		Set<String> skipped = new java.util.HashSet<>(DELIVERY);
		skipped.addAll(CONVERSATION);
		StringBuilder similar = new StringBuilder(256).append(head).append("roles:").append(ConversationText.roles(request)).append('\n');
		canonical(request, skipped, similar);
		return new CacheKey(sha256(exact), sha256(similar), text);
	}

	/** The object's properties but {@code skipped}, canonical. */
	private static void canonical(ObjectNode object, Set<String> skipped, StringBuilder out) {
		List<String> names = new ArrayList<>(object.propertyNames());
		Collections.sort(names);
		out.append('{');
		boolean first = true;
		for (String name : names) {
			if (skipped.contains(name)) {
				continue;
			}
			if (!first) {
				out.append(',');
			}
			first = false;
			Json.appendString(out, name).append(':');
			canonical(object.get(name), out);
		}
		out.append('}');
	}

	static void canonical(JsonNode node, StringBuilder out) {
		if (node instanceof ObjectNode object) {
			canonical(object, Set.of(), out);
		}
		else if (node.isArray()) {
			out.append('[');
			for (int i = 0; i < node.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				canonical(node.get(i), out);
			}
			out.append(']');
		}
		else if (node.isNumber()) {
			BigDecimal value = node.decimalValue();
			out.append((value.signum() == 0) ? "0" : value.stripTrailingZeros().toString());
		}
		else if (node.isString()) {
			Json.appendString(out, node.stringValue());
		}
		else {
			// true, false, null
			out.append(node.toString());
		}
	}

	private static String sha256(CharSequence text) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JVM", ex);
		}
	}

	/** Used by tests: the canonical form of a whole JSON value. */
	static String canonical(String json) {
		JsonNode node = JsonTrees.parse(json);
		StringBuilder out = new StringBuilder();
		if (node != null) {
			canonical(node, out);
		}
		return out.toString();
	}

}
