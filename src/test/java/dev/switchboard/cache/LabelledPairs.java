package dev.switchboard.cache;

import java.util.List;

/**
 * A small labelled set for the semantic cache: prompts that ask the same thing in other words (paraphrases, a hit
 * is right) and prompts that look alike but ask something else (a hit would be a wrong answer).
 */
final class LabelledPairs {

	record Pair(String first, String second, boolean paraphrase) {
	}

	static final List<Pair> PAIRS = List.of(
			new Pair("What is the capital of France?", "What's the capital city of France?", true),
			new Pair("How do I reverse a list in Python?", "How can I reverse a Python list?", true),
			new Pair("Explain how photosynthesis works.", "Can you explain how photosynthesis works?", true),
			new Pair("What is the boiling point of water at sea level?",
					"At sea level, what temperature does water boil at?", true),
			new Pair("Give me a recipe for chocolate chip cookies.", "Give me a chocolate chip cookie recipe.", true),
			new Pair("How many days are there in a leap year?", "How many days does a leap year have?", true),
			new Pair("Translate 'good morning' into Spanish.", "How do you say 'good morning' in Spanish?", true),
			new Pair("What are the symptoms of the flu?", "What symptoms does the flu cause?", true),
			new Pair("What is the capital of France?", "What is the capital of Germany?", false),
			new Pair("How do I reverse a list in Python?", "How do I sort a list in Python?", false),
			new Pair("Explain how photosynthesis works.", "Explain how a car engine works.", false),
			new Pair("What is the boiling point of water at sea level?", "What is the freezing point of water?", false),
			new Pair("Give me a recipe for chocolate chip cookies.", "Give me a recipe for lasagna.", false),
			new Pair("How many days are there in a leap year?", "How many weeks are there in a year?", false),
			new Pair("Translate 'good morning' into Spanish.", "Translate 'good night' into French.", false),
			new Pair("What are the symptoms of the flu?", "How is the flu treated?", false));

	private LabelledPairs() {
	}

}
