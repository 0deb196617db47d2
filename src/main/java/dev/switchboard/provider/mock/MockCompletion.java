package dev.switchboard.provider.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic answer derived from a prompt: the same prompt always gives the same words, a different prompt
 * (almost surely) different ones. Token counts are words, so usage adds up exactly.
 *
 * @param words the reply, one token per word
 * @param promptTokens the prompt's token count
 * @param seed the hash the reply was drawn from, also used for ids
 */
record MockCompletion(List<String> words, int promptTokens, long seed) {

	private static final String[] VOCABULARY = { "switchboard", "routes", "every", "request", "to", "the", "right",
			"model", "and", "streams", "answers", "back", "event", "by", "fast", "gateway", "provider", "token",
			"quietly", "bright", "signal", "river", "amber", "lantern", "orbit", "copper", "meadow", "harbor",
			"compass", "echo", "pattern", "steady", "window", "garden", "paper", "summit", "velvet", "willow",
			"canyon", "ember", "falcon", "glacier", "island", "jasmine", "kettle", "lagoon", "marble", "nectar" };

	static MockCompletion of(String prompt) {
		long seed = fnv1a(prompt);
		SplittableRandom random = new SplittableRandom(seed);
		int count = 8 + random.nextInt(17);
		List<String> words = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			words.add(VOCABULARY[random.nextInt(VOCABULARY.length)]);
		}
		return new MockCompletion(List.copyOf(words), countTokens(prompt), seed);
	}

	/** The reply as one text. */
	String text() {
		return String.join(" ", this.words) + ".";
	}

	int completionTokens() {
		return this.words.size();
	}

	/** Whitespace-separated words, at least one: a stand-in tokenizer that is cheap and stable. */
	static int countTokens(String text) {
		int tokens = 0;
		boolean inWord = false;
		for (int i = 0; i < text.length(); i++) {
			boolean space = Character.isWhitespace(text.charAt(i));
			if (!space && !inWord) {
				tokens++;
			}
			inWord = !space;
		}
		return Math.max(1, tokens);
	}

	/** 64-bit FNV-1a over the UTF-16 code units: stable across JVMs, unlike {@link String#hashCode()}'s 32 bits. */
	static long fnv1a(String text) {
		long hash = 0xcbf29ce484222325L;
		for (int i = 0; i < text.length(); i++) {
			hash ^= text.charAt(i);
			hash *= 0x100000001b3L;
		}
		return hash;
	}

}
