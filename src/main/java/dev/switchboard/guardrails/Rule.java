package dev.switchboard.guardrails;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

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

		private @Nullable String lower;

		private int digits = -1;

		Text(String value) {
			this.value = value;
		}

		/** Which pairs of adjacent (lower-case ASCII) chars occur: 128 x 128 bits, made once per text. */
		private long @Nullable [] pairs;

		/**
		 * Whether {@code literal} (lower case) may occur in the text: every pair of its adjacent chars occurs. A
		 * quick no for almost every literal of almost every text, before a real search.
		 */
		boolean mayContain(String literal) {
			if (this.pairs == null) {
				String lower = lower();
				long[] pairs = new long[256];
				for (int i = 0; i + 1 < lower.length(); i++) {
					int bit = (ascii(lower.charAt(i)) << 7) | ascii(lower.charAt(i + 1));
					pairs[bit >>> 6] |= 1L << bit;
				}
				for (int i = 0; i < lower.length(); i++) {
					int bit = (ascii(lower.charAt(i)) << 7); // a char with the null char after it: "occurs"
					pairs[bit >>> 6] |= 1L << bit;
				}
				this.pairs = pairs;
			}
			if (literal.length() == 1) {
				int bit = ascii(literal.charAt(0)) << 7;
				return (this.pairs[bit >>> 6] & (1L << bit)) != 0;
			}
			for (int i = 0; i + 1 < literal.length(); i++) {
				int bit = (ascii(literal.charAt(i)) << 7) | ascii(literal.charAt(i + 1));
				if ((this.pairs[bit >>> 6] & (1L << bit)) == 0) {
					return false;
				}
			}
			return true;
		}

		private static int ascii(char c) {
			return (c < 128) ? ((c == 0) ? 127 : c) : 127;
		}

		/** How many ASCII digits the text has, counted once. */
		int digits() {
			if (this.digits < 0) {
				int count = 0;
				for (int i = 0; i < this.value.length(); i++) {
					char c = this.value.charAt(i);
					if (c >= '0' && c <= '9') {
						count++;
					}
				}
				this.digits = count;
			}
			return this.digits;
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
