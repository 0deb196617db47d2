package dev.switchboard.guardrails;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.support.GatewayHeaders;

/**
 * The guardrail state of one request: who and where (for the audit and the webhook), its masking, and the rules that
 * acted so far (for {@code x-switchboard-guardrails}).
 */
final class GuardContext {

	final String requestId;

	final String route;

	final String key;

	final String model;

	final Endpoint endpoint;

	final Masks masks = new Masks();

	private final GuardrailAudit audit;

	private final Set<String> acted = new LinkedHashSet<>();

	private volatile boolean restored;

	GuardContext(String requestId, String route, String key, String model, Endpoint endpoint, GuardrailAudit audit) {
		this.requestId = requestId;
		this.route = route;
		this.key = key;
		this.model = model;
		this.endpoint = endpoint;
		this.audit = audit;
	}

	/** Records a hit of {@code rule} of {@code guardrail}. */
	void hit(String guardrail, String rule, GuardrailAction action, Direction direction) {
		this.audit.hit(this.requestId, guardrail, rule, action.id(), direction, this.route);
		synchronized (this.acted) {
			this.acted.add(guardrail + ":" + rule + "=" + action.id());
		}
	}

	/**
	 * {@code text} after {@code scanner}'s rules acted on it, or {@code null} when nothing changed; every hit
	 * recorded.
	 * @throws GuardrailBlockedException on the first match of a blocking rule
	 */
	@Nullable String apply(Scanner scanner, String text, boolean jsonText) {
		List<Scanner.Hit> hits = scanner.find(text, 0);
		if (hits.isEmpty()) {
			return null;
		}
		return apply(scanner, text, hits, jsonText);
	}

	/** {@code text} with {@code hits} (in order, not overlapping) acted on; {@code null} when nothing changed. */
	@Nullable String apply(Scanner scanner, String text, List<Scanner.Hit> hits, boolean jsonText) {
		StringBuilder out = null;
		int copied = 0;
		for (Scanner.Hit hit : hits) {
			String matched = text.substring(hit.start(), hit.end());
			String replacement = act(scanner, hit, matched, jsonText);
			if (!replacement.equals(matched)) {
				if (out == null) {
					out = new StringBuilder(text.length() + 32);
				}
				out.append(text, copied, hit.start()).append(replacement);
				copied = hit.end();
			}
		}
		if (out == null) {
			return null;
		}
		return out.append(text, copied, text.length()).toString();
	}

	/**
	 * Records {@code hit} and returns what goes in place of {@code matched}.
	 * @throws GuardrailBlockedException when its rule blocks
	 */
	String act(Scanner scanner, Scanner.Hit hit, String matched, boolean jsonText) {
		if (hit.restores()) {
			this.restored = true;
			return scanner.replacement(hit, matched, this.masks, jsonText);
		}
		Guardrail guardrail = hit.guardrail();
		hit(guardrail.name(), hit.rule().name(), guardrail.action(), scanner.direction());
		if (guardrail.action() == GuardrailAction.BLOCK) {
			throw blocked(guardrail.name(), hit.rule().name());
		}
		return scanner.replacement(hit, matched, this.masks, jsonText);
	}

	GuardrailBlockedException blocked(String guardrail, String rule) {
		HttpHeaders headers = new HttpHeaders();
		String header = header();
		if (header != null) {
			headers.set(GatewayHeaders.GUARDRAILS, header);
		}
		return new GuardrailBlockedException(guardrail, rule, headers);
	}

	/** Whether an answer got masked values back: it is this client's alone. */
	boolean restored() {
		return this.restored;
	}

	/** The value of {@code x-switchboard-guardrails}, or {@code null} when no rule acted. */
	@Nullable String header() {
		synchronized (this.acted) {
			return this.acted.isEmpty() ? null : String.join(", ", new ArrayList<>(this.acted));
		}
	}

}
