package dev.switchboard.guardrails;

import java.util.List;
import java.util.Locale;

/**
 * {@code keyword}: any of a list of words or phrases, case-insensitive, as whole words; the spaces of a phrase match
 * any run of white space, so a line break inside it does not hide it.
 */
final class KeywordRule {

	static final String NAME = "keyword";

	private KeywordRule() {
	}

	static Rule of(List<String> words) {
		StringBuilder regex = new StringBuilder("(?i)(?:^|[^\\p{L}\\p{N}_])(");
		String[] literals = new String[words.size()];
		for (int i = 0; i < words.size(); i++) {
			String word = words.get(i).trim();
			literals[i] = word.toLowerCase(Locale.ROOT).split("\\s+")[0];
			if (i > 0) {
				regex.append('|');
			}
			boolean space = false;
			for (int c = 0; c < word.length(); c++) {
				char ch = word.charAt(c);
				if (Character.isWhitespace(ch)) {
					if (!space) {
						regex.append("\\s+");
					}
					space = true;
					continue;
				}
				space = false;
				if (Character.isLetterOrDigit(ch) || ch > 127) {
					regex.append(ch);
				}
				else {
					regex.append('\\').append(ch);
				}
			}
		}
		regex.append(")(?:[^\\p{L}\\p{N}_]|$)");
		return new PatternRule(NAME, regex.toString(), 1, literals, value -> true).wordStart().builtIn();
	}

}
