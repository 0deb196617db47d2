package dev.switchboard.guardrails;

import java.util.List;
import java.util.Locale;

/**
 * One detection rule: finds whole matches in a text, and tells whether a match starting at a position may still be
 * unfinished at the text's end (what a stream holds back). The rule's name is public interface: it is in
 * {@code [REDACTED:<rule>]}, in errors, headers, meters and logs.
 */
abstract class Rule {

	private final String name;

	private final String label;

	Rule(String name) {
		this.name = name;
		this.label = name.toUpperCase(Locale.ROOT).replace('-', '_');
	}

	/** The rule's name, e.g. {@code aws-access-key-id}. */
	final String name() {
		return this.name;
	}

	/** The stem of its mask placeholders: {@code EMAIL} in {@code [EMAIL_1]}. */
	String label() {
		return this.label;
	}

	/** Adds the matches in {@code text} that start at or after {@code from}, in any order. */
	abstract void find(Text text, int from, List<Span> out);

	/**
	 * Whether a match of this rule starting at {@code start} could still be unfinished: the text ends before the rule
	 * can tell. Asked only at the end of a stream's text so far.
	 */
	abstract boolean possibleAt(String text, int start);

	@Override
	public String toString() {
		return this.name;
	}

	/** A text being scanned, with its lower-case form made once for every rule's literal prefilter. */
	static final class Text {

		final String value;

		private String lower;

		Text(String value) {
			this.value = value;
		}

		String lower() {
			if (this.lower == null) {
				this.lower = this.value.toLowerCase(Locale.ROOT);
			}
			return this.lower;
		}

	}

	/**
	 * A match of {@code rule} at {@code [start, end)}.
	 * @param start first char
	 * @param end one past the last
	 * @param rule the rule
	 */
	record Span(int start, int end, Rule rule) {
	}

}
