package dev.switchboard.guardrails;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The rules of a request's guardrails for one direction, run together on a text: every rule's matches, then the
 * overlaps resolved (the earliest match wins, then the longest, then the stronger action), so each character is
 * acted on once. On the response side the placeholders of the request's masking are found too.
 */
final class Scanner {

	private static final Comparator<Hit> ORDER = Comparator.comparingInt(Hit::start)
		.thenComparing(Comparator.comparingInt(Hit::length).reversed())
		.thenComparingInt(hit -> strength(hit.action()));

	private final List<Check> checks;

	private final @Nullable RestoreRule restore;

	private final Direction direction;

	Scanner(List<Guardrail> guardrails, Direction direction, @Nullable RestoreRule restore) {
		List<Check> checks = new ArrayList<>();
		for (Guardrail guardrail : guardrails) {
			if (guardrail.checks(direction)) {
				for (Rule rule : guardrail.rules()) {
					checks.add(new Check(guardrail, rule));
				}
			}
		}
		this.checks = List.copyOf(checks);
		this.restore = restore;
		this.direction = direction;
	}

	boolean isEmpty() {
		return this.checks.isEmpty() && this.restore == null;
	}

	Direction direction() {
		return this.direction;
	}

	/** The matches in {@code text} that start at or after {@code from}, without overlaps, in order. */
	List<Hit> find(String text, int from) {
		Rule.Text scanned = new Rule.Text(text);
		List<Hit> hits = new ArrayList<>();
		List<Rule.Span> spans = new ArrayList<>();
		for (Check check : this.checks) {
			spans.clear();
			check.rule.find(scanned, from, spans);
			for (Rule.Span span : spans) {
				hits.add(new Hit(check.guardrail, span.rule(), span.start(), span.end()));
			}
		}
		if (this.restore != null) {
			spans.clear();
			this.restore.find(scanned, from, spans);
			for (Rule.Span span : spans) {
				hits.add(new Hit(null, this.restore, span.start(), span.end()));
			}
		}
		if (hits.size() < 2) {
			return hits;
		}
		hits.sort(ORDER);
		List<Hit> kept = new ArrayList<>(hits.size());
		int end = -1;
		boolean guessed = false;
		for (Hit hit : hits) {
			if (hit.rule instanceof EntropyRule) {
				guessed = true;
			}
			else if (hit.start >= end) {
				kept.add(hit);
				end = hit.end;
			}
		}
		if (guessed) {
			// a guess by entropy only where no rule that knows the format matched
			for (Hit hit : hits) {
				if (hit.rule instanceof EntropyRule && !overlaps(kept, hit)) {
					kept.add(hit);
				}
			}
			kept.sort(ORDER);
		}
		return kept;
	}

	private static boolean overlaps(List<Hit> kept, Hit hit) {
		for (Hit other : kept) {
			if (other.start < hit.end && hit.start < other.end) {
				return true;
			}
		}
		return false;
	}

	/** Whether some rule's match may start at {@code start} and still be unfinished at the end of {@code text}. */
	@Nullable Rule possibleAt(String text, int start) {
		for (Check check : this.checks) {
			if (check.rule.possibleAt(text, start)) {
				return check.rule;
			}
		}
		if (this.restore != null && this.restore.possibleAt(text, start)) {
			return this.restore;
		}
		return null;
	}

	/**
	 * What {@code hit} puts in place of {@code matched}: the original for a placeholder, {@code [REDACTED:<rule>]},
	 * a mask placeholder (on the request side; in an answer a new value is redacted, since a placeholder would mean
	 * nothing to the client), or the text itself when the action only logs.
	 * @param jsonText whether the text is JSON source (tool-call arguments), where an original needs escaping
	 */
	String replacement(Hit hit, String matched, Masks masks, boolean jsonText) {
		if (hit.guardrail == null) {
			String original = this.restore.original(matched);
			return jsonText ? escaped(original) : original;
		}
		return switch (hit.action()) {
			case LOG, BLOCK -> matched;
			case REDACT -> redacted(hit.rule);
			case MASK -> (this.direction == Direction.REQUEST) ? masks.placeholder(hit.rule.label(), matched)
					: redacted(hit.rule);
		};
	}

	static String redacted(Rule rule) {
		return "[REDACTED:" + rule.name() + "]";
	}

	/** The inside of a JSON string holding {@code value}. */
	private static String escaped(String value) {
		String quoted = dev.switchboard.support.Json.quote(value);
		return quoted.substring(1, quoted.length() - 1);
	}

	private static int strength(GuardrailAction action) {
		return switch (action) {
			case BLOCK -> 0;
			case REDACT -> 1;
			case MASK -> 2;
			case LOG -> 3;
		};
	}

	/** A rule of a guardrail. */
	private record Check(Guardrail guardrail, Rule rule) {
	}

	/**
	 * A match to act on.
	 * @param guardrail whose rule matched; {@code null} for a placeholder to restore
	 * @param rule the rule
	 * @param start first char
	 * @param end one past the last
	 */
	record Hit(@Nullable Guardrail guardrail, Rule rule, int start, int end) {

		int length() {
			return this.end - this.start;
		}

		/** What the hit does; a restored placeholder counts as redacting (it changes the text). */
		GuardrailAction action() {
			return (this.guardrail != null) ? this.guardrail.action() : GuardrailAction.REDACT;
		}

		boolean restores() {
			return this.guardrail == null;
		}

	}

}
