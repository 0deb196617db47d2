package dev.switchboard.support;

import java.util.regex.Pattern;

/**
 * Model-name globs, one syntax wherever a user lists models (key allow-lists, the {@code Model} route predicate):
 * {@code *} matches any run of characters, {@code /} included, so {@code openai/*} covers
 * {@code openai/ft:gpt-4o:org/x}; everything else matches itself.
 */
public final class Globs {

	private Globs() {
	}

	/** The glob as a pattern that matches whole names. Java's engine stays linear here: only {@code .*} and literals. */
	public static Pattern compile(String glob) {
		StringBuilder regex = new StringBuilder();
		int start = 0;
		for (int i = 0; i < glob.length(); i++) {
			if (glob.charAt(i) == '*') {
				regex.append(Pattern.quote(glob.substring(start, i))).append(".*");
				start = i + 1;
			}
		}
		regex.append(Pattern.quote(glob.substring(start)));
		return Pattern.compile(regex.toString());
	}

}
