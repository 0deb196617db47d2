package dev.switchboard.guardrails;

import java.util.List;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * A rule made of one regular expression, matched with RE2/J (linear in the text, whatever the pattern), with an
 * optional capture group that is the secret part (the value of {@code password=...}, not the name), literals of which
 * one must occur for the pattern to be tried at all (a cheap prefilter), and a validator (a checksum).
 * <p>
 * A stream's hold-back asks the same expression, compiled by {@code java.util.regex}, whether a match may be
 * unfinished at the end of the text ({@link java.util.regex.Matcher#hitEnd()}, which RE2/J lacks). That engine
 * backtracks, so it runs on a {@link StepBudget} text: a pattern that would take too long answers "possible", and the
 * hold-back's length bound releases it.
 */
final class PatternRule extends Rule {

	/** How far before {@code from} a match may begin, so its secret part can start at {@code from}. */
	static final int LOOK_BACK = 64;

	private final com.google.re2j.Pattern pattern;

	private final java.util.regex.Pattern prefix;

	private final int group;

	private final String @Nullable [] literals;

	private final Predicate<String> valid;

	private boolean wordStart;

	/** Whether a stream's hold-back asks a look-behind of the secret's name, which must then be in the text. */
	private final boolean named;

	/** Whether every match's token begins with one of the literals (a prefixed key: ghp_, AKIA, sk-ant-). */
	private boolean prefixed;

	/** Fewer digits than this in the whole text and the rule cannot match: not tried. */
	private int minDigits;

	/** For the built-in rules: the same expression in {@code java.util.regex}, which scans several times faster. */
	private java.util.regex.@Nullable Pattern builtIn;

	/**
	 * @param regex the expression, in the syntax both RE2/J and {@code java.util.regex} accept
	 * @param group the capture group that is the match (0 for the whole)
	 * @param literals lower-case strings of which one must occur in the text, or {@code null} to always try
	 * @param valid checks a matched value
	 * @throws IllegalArgumentException when either engine rejects {@code regex}
	 */
	PatternRule(String name, String regex, int group, String @Nullable [] literals, Predicate<String> valid) {
		this(name, regex, group, literals, valid, null);
	}

	/**
	 * @param hold the expression a stream's hold-back asks instead ({@code java.util.regex} only): for a rule whose
	 * secret follows a name ({@code password: ...}), the secret part behind a look-behind of the name, so that a
	 * stream holds from the secret on and not every word that could begin the name
	 */
	PatternRule(String name, String regex, int group, String @Nullable [] literals, Predicate<String> valid,
			@Nullable String hold) {
		super(name);
		this.named = hold != null;
		try {
			this.pattern = com.google.re2j.Pattern.compile(regex);
		}
		catch (com.google.re2j.PatternSyntaxException ex) {
			throw new IllegalArgumentException(ex.getDescription() + " (RE2 syntax: no backreferences or lookaround)");
		}
		try {
			this.prefix = java.util.regex.Pattern.compile((hold != null) ? hold : regex);
		}
		catch (java.util.regex.PatternSyntaxException ex) {
			throw new IllegalArgumentException(ex.getDescription());
		}
		if (group > this.pattern.groupCount()) {
			throw new IllegalArgumentException("group " + group + " does not exist");
		}
		this.group = group;
		this.literals = literals;
		this.valid = valid;
	}

	PatternRule(String name, String regex, String @Nullable [] literals) {
		this(name, regex, 0, literals, value -> true);
	}

	@Override
	void find(Text text, int from, List<Span> out) {
		if (this.minDigits > 0 && text.digits() < this.minDigits) {
			return;
		}
		if (this.literals != null && !containsAny(text, this.literals)) {
			return;
		}
		if (this.builtIn != null) {
			java.util.regex.Matcher matcher = this.builtIn.matcher(text.value);
			scan(text, from, out, matcher::find, matcher::start, matcher::end, matcher::start, matcher::end);
		}
		else {
			com.google.re2j.Matcher matcher = this.pattern.matcher(text.value);
			scan(text, from, out, matcher::find, matcher::start, matcher::end, matcher::start, matcher::end);
		}
	}

	/**
	 * Marks a rule of the gateway's own catalog, whose expressions are written for a backtracking engine too (no
	 * nested unbounded quantifiers over overlapping classes; the fuzz and adversarial tests hold them to linear
	 * time): matched with {@code java.util.regex}, several times faster than RE2/J on prose. Users' patterns stay
	 * on RE2/J.
	 */
	/** Marks a token rule whose literals are the prefixes its tokens begin with: a quick no for other tails. */
	PatternRule prefixed() {
		this.prefixed = true;
		return this;
	}

	/** Marks a rule that needs at least {@code digits} digits (a phone, a card number): not tried on texts with fewer. */
	PatternRule digits(int digits) {
		this.minDigits = digits;
		return this;
	}

	PatternRule builtIn() {
		this.builtIn = java.util.regex.Pattern.compile(this.pattern.pattern());
		return this;
	}

	/**
	 * Marks a rule whose match begins with a boundary and then a letter or digit (a token, an entity): a stream
	 * need not hold a tail of only spaces and punctuation for it, since nothing of the match has come yet (the
	 * boundary is found again in the context kept before the next piece).
	 */
	PatternRule wordStart() {
		this.wordStart = true;
		return this;
	}

	/**
	 * The match loop, the same for either engine's matcher: {@code find(at)} searches from {@code at} with what
	 * precedes it visible; {@code start}/{@code end} of a group and of the whole match.
	 */
	private void scan(Text text, int from, List<Span> out, java.util.function.IntPredicate find,
			java.util.function.IntUnaryOperator groupStart, java.util.function.IntUnaryOperator groupEnd,
			java.util.function.IntSupplier matchStart, java.util.function.IntSupplier matchEnd) {
		// from before 'from': a rule's leading boundary is a consumed char, and a secret after its name (password: ...)
		// matches with the name in the context a stream keeps; only the secret part must start at 'from' or later
		int at = Math.max(0, from - LOOK_BACK);
		while (at <= text.value.length() && find.test(at)) {
			int start = groupStart.applyAsInt(this.group);
			int end = groupEnd.applyAsInt(this.group);
			if (start >= from && end > start && this.valid.test(text.value.substring(start, end))) {
				out.add(new Span(start, end, this));
			}
			// on from the end of the secret part, not of the match: its trailing boundary char may be the next
			// token's leading one (two keys separated by one space)
			at = Math.max((end > start) ? end : matchEnd.getAsInt(), matchStart.getAsInt() + 1);
		}
	}

	@Override
	boolean possibleAt(String text, int start) {
		if (this.wordStart && !hasWordChar(text, start)) {
			return false;
		}
		if (this.prefixed && this.literals != null && !prefixPossible(text, start)) {
			return false;
		}
		if (this.named && this.literals != null && !containsIgnoringCase(text, this.literals)) {
			return false; // the name the secret follows is not there: no look-behind to try at every position
		}
		java.util.regex.Matcher matcher = this.prefix.matcher(new StepBudget(text, 20_000));
		matcher.useTransparentBounds(true);
		matcher.region(start, text.length());
		try {
			matcher.lookingAt();
			return matcher.hitEnd();
		}
		catch (StepBudget.Exhausted ex) {
			return true;
		}
	}

	/** Whether the token at {@code start} (after its boundary char) begins with, or is the beginning of, a literal. */
	private boolean prefixPossible(String text, int start) {
		int token = (start < text.length() && !Character.isLetterOrDigit(text.charAt(start))) ? start + 1 : start;
		int length = text.length() - token;
		for (String literal : this.literals) {
			int common = Math.min(length, literal.length());
			if (text.regionMatches(true, token, literal, 0, common)) {
				return true;
			}
		}
		return false;
	}

	private static boolean containsIgnoringCase(String text, String[] literals) {
		for (String literal : literals) {
			char first = literal.charAt(0);
			for (int i = text.length() - literal.length(); i >= 0; i--) {
				if (Character.toLowerCase(text.charAt(i)) == first && text.regionMatches(true, i, literal, 0, literal.length())) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean hasWordChar(String text, int start) {
		for (int i = start; i < text.length(); i++) {
			if (Character.isLetterOrDigit(text.charAt(i))) {
				return true;
			}
		}
		return false;
	}

	private static boolean containsAny(Text text, String[] literals) {
		for (String literal : literals) {
			if (text.mayContain(literal) && text.lower().contains(literal)) {
				return true;
			}
		}
		return false;
	}

}
