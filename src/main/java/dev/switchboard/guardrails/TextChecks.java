package dev.switchboard.guardrails;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The texts of one JSON document (a request or an answer) put through a direction's guardrails: the local rules
 * first, then each webhook in turn on what they left. Says whether anything changed and gives the rewritten
 * document.
 */
final class TextChecks {

	private static final Log logger = LogFactory.getLog(TextChecks.class);

	private final byte[] json;

	private final List<JsonTexts.Field> fields;

	/** The texts as they are now, one per field. */
	private final List<String> current;

	private boolean changed;

	private TextChecks(byte[] json, List<JsonTexts.Field> fields) {
		this.json = json;
		this.fields = fields;
		this.current = new ArrayList<>(fields.size());
		for (JsonTexts.Field field : fields) {
			this.current.add(field.value());
		}
	}

	/**
	 * Runs the local rules of {@code scanner} on the texts of {@code json}.
	 * @throws GuardrailBlockedException when a blocking rule matched
	 * @throws tools.jackson.core.JacksonException when it is not JSON
	 */
	static TextChecks local(byte[] json, JsonTexts.Mode mode, Scanner scanner, GuardContext context) {
		TextChecks checks = new TextChecks(json, JsonTexts.find(json, mode));
		if (scanner.isEmpty()) {
			return checks;
		}
		for (int i = 0; i < checks.fields.size(); i++) {
			JsonTexts.Field field = checks.fields.get(i);
			String replaced = context.apply(scanner, field.value(), field.jsonText());
			if (replaced != null) {
				checks.current.set(i, replaced);
				checks.changed = true;
			}
		}
		return checks;
	}

	/** Asks each webhook in turn; errors with {@link GuardrailBlockedException} when one blocks. */
	Mono<TextChecks> webhooks(List<Guardrail> webhooks, Direction direction, GuardContext context,
			WebhookClient client) {
		if (webhooks.isEmpty() || this.fields.isEmpty()) {
			return Mono.just(this);
		}
		return Flux.fromIterable(webhooks)
			.concatMap(guardrail -> ask(guardrail, direction, context, client))
			.then(Mono.just(this));
	}

	private Mono<Void> ask(Guardrail guardrail, Direction direction, GuardContext context, WebhookClient client) {
		Guardrail.Webhook webhook = guardrail.webhook();
		return client.check(webhook, direction, context, List.copyOf(this.current))
			.onErrorResume(failure -> {
				logger.warn("request_id=" + context.requestId + " guardrail=" + guardrail.name()
						+ " webhook failed (" + failure.getMessage() + "), on-error "
						+ (webhook.failClosed() ? "block" : "allow"));
				context.hit(guardrail.name(), "webhook-error",
						webhook.failClosed() ? GuardrailAction.BLOCK : GuardrailAction.LOG, direction);
				return webhook.failClosed() ? Mono.error(context.blocked(guardrail.name(), "webhook-error"))
						: Mono.just(WebhookClient.Verdict.ALLOW);
			})
			.flatMap(verdict -> {
				switch (verdict.action()) {
					case "block" -> {
						context.hit(guardrail.name(), "webhook", GuardrailAction.BLOCK, direction);
						GuardrailBlockedException blocked = context.blocked(guardrail.name(), "webhook");
						return Mono.error((verdict.reason() != null)
								? new GuardrailBlockedException(guardrail.name(), "webhook", verdict.reason(),
										blocked.headers())
								: blocked);
					}
					case "redact" -> {
						List<String> texts = verdict.texts();
						boolean any = false;
						for (int i = 0; i < texts.size(); i++) {
							if (!texts.get(i).equals(this.current.get(i))) {
								this.current.set(i, texts.get(i));
								any = true;
							}
						}
						if (any) {
							this.changed = true;
							context.hit(guardrail.name(), "webhook", GuardrailAction.REDACT, direction);
						}
						return Mono.<Void>empty();
					}
					default -> {
						return Mono.<Void>empty();
					}
				}
			});
	}

	boolean changed() {
		return this.changed;
	}

	/** The document with the changed texts rewritten, everything else byte for byte. */
	byte[] rewritten() {
		if (!this.changed) {
			return this.json;
		}
		List<String> values = new ArrayList<>(this.fields.size());
		for (int i = 0; i < this.fields.size(); i++) {
			String value = this.current.get(i);
			values.add(value.equals(this.fields.get(i).value()) ? null : value);
		}
		return JsonTexts.rewrite(this.json, this.fields, values);
	}

}
