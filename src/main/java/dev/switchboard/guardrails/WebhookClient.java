package dev.switchboard.guardrails;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.support.Json;

/**
 * Asks a policy webhook about a request's or an answer's texts, without blocking: {@code POST} of
 * {@code {"direction","route","key","model","texts":[...]}}, answered by {@code {"action":"allow"}},
 * {@code {"action":"block","reason":"..."}} or {@code {"action":"redact","texts":[...]}} (as many texts, in order).
 * A timeout, a non-2xx status or an answer that is none of those is a failure, which the guardrail's
 * {@code on-error} turns into allow or block.
 */
public class WebhookClient {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final ConnectionProvider connections = ConnectionProvider.builder("switchboard-guardrail-webhooks")
		.maxConnections(200)
		.pendingAcquireMaxCount(1000)
		.maxIdleTime(java.time.Duration.ofSeconds(4))
		.build();

	private final HttpClient http = HttpClient.create(this.connections).compress(false);

	/** The webhook's verdict; {@code null} texts unless it redacted. */
	record Verdict(String action, @Nullable String reason, @Nullable List<String> texts) {

		static final Verdict ALLOW = new Verdict("allow", null, null);

	}

	/** Thrown (as the Mono's error) when the webhook did not give a usable answer. */
	static final class WebhookFailure extends RuntimeException {

		WebhookFailure(String message) {
			super(message, null, false, false);
		}

	}

	Mono<Verdict> check(Guardrail.Webhook webhook, Direction direction, GuardContext context, List<String> texts) {
		byte[] body = body(direction, context, texts);
		return this.http.headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
			.post()
			.uri(webhook.url())
			.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
			.responseSingle((response, content) -> {
				int status = response.status().code();
				if (status < 200 || status >= 300) {
					return content.then(Mono.error(new WebhookFailure("the webhook answered HTTP " + status)));
				}
				return content.asByteArray().map(bytes -> verdict(bytes, texts.size()));
			})
			.timeout(webhook.timeout(), Mono.error(() -> new WebhookFailure(
					"the webhook did not answer within " + webhook.timeout().toMillis() + " ms")));
	}

	static byte[] body(Direction direction, GuardContext context, List<String> texts) {
		StringBuilder json = new StringBuilder(128);
		json.append("{\"direction\":");
		Json.appendString(json, direction.id());
		json.append(",\"route\":");
		Json.appendString(json, context.route);
		json.append(",\"key\":");
		Json.appendString(json, context.key);
		json.append(",\"model\":");
		Json.appendString(json, context.model);
		json.append(",\"texts\":[");
		for (int i = 0; i < texts.size(); i++) {
			if (i > 0) {
				json.append(',');
			}
			Json.appendString(json, texts.get(i));
		}
		json.append("]}");
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

	static Verdict verdict(byte[] bytes, int count) {
		JsonNode answer;
		try {
			answer = MAPPER.readTree(bytes);
		}
		catch (RuntimeException ex) {
			throw new WebhookFailure("the webhook's answer is not JSON");
		}
		String action = (answer != null && answer.path("action").isString()) ? answer.path("action").asString() : "";
		switch (action) {
			case "allow":
				return Verdict.ALLOW;
			case "block":
				JsonNode reason = answer.path("reason");
				return new Verdict("block", reason.isString() ? reason.asString() : null, null);
			case "redact":
				JsonNode texts = answer.path("texts");
				if (!texts.isArray() || texts.size() != count) {
					throw new WebhookFailure("the webhook's redact answer must have " + count + " texts");
				}
				List<String> replaced = new ArrayList<>(count);
				for (JsonNode text : texts) {
					if (!text.isString()) {
						throw new WebhookFailure("the webhook's redacted texts must be strings");
					}
					replaced.add(text.asString());
				}
				return new Verdict("redact", null, replaced);
			default:
				throw new WebhookFailure("the webhook's answer has no action allow, block or redact");
		}
	}

	void dispose() {
		this.connections.dispose();
	}

}
