package dev.switchboard.provider.mock;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MockCompletionTests {

	@Test
	void theSamePromptAlwaysGivesTheSameText() {
		MockCompletion first = MockCompletion.of("user: Hello\n");
		MockCompletion second = MockCompletion.of("user: Hello\n");

		assertThat(second.text()).as("demos and tests rely on a stable answer").isEqualTo(first.text());
		assertThat(second.seed()).isEqualTo(first.seed());
		assertThat(second).isEqualTo(first);
	}

	@Test
	void aDifferentPromptGivesADifferentText() {
		Set<String> texts = new HashSet<>();
		for (int i = 0; i < 50; i++) {
			texts.add(MockCompletion.of("user: question " + i + "\n").text());
		}
		assertThat(MockCompletion.of("user: Hello\n").text()).isNotEqualTo(MockCompletion.of("user: Hello!\n").text());
		assertThat(texts).as("50 different prompts give 50 different answers").hasSize(50);
	}

	@Test
	void theTextIsTheWordsJoinedAndEndsWithAFullStop() {
		MockCompletion completion = MockCompletion.of("user: Tell me about gateways\n");

		assertThat(completion.words()).as("8 to 24 words").hasSizeBetween(8, 24).allMatch((w) -> w.matches("[a-z]+"));
		assertThat(completion.text()).isEqualTo(String.join(" ", completion.words()) + ".");
	}

	@Test
	void completionTokensAreTheWordsOfTheReply() {
		MockCompletion completion = MockCompletion.of("user: Hello\n");

		assertThat(completion.completionTokens()).isEqualTo(completion.words().size());
		assertThat(MockCompletion.countTokens(completion.text()))
			.as("counting the reply's text gives the same number, so streamed and whole usage agree")
			.isEqualTo(completion.completionTokens());
	}

	@Test
	void promptTokensAreTheWhitespaceSeparatedWordsOfThePrompt() {
		assertThat(MockCompletion.of("user: Hello there\nassistant: Hi\n").promptTokens()).isEqualTo(5);
	}

	@Test
	void countsWhitespaceSeparatedWords() {
		assertThat(MockCompletion.countTokens("one")).isEqualTo(1);
		assertThat(MockCompletion.countTokens("one two")).isEqualTo(2);
		assertThat(MockCompletion.countTokens("  one \t two\n\nthree  ")).as("runs of any whitespace separate once")
			.isEqualTo(3);
		assertThat(MockCompletion.countTokens("don't-stop,now!")).as("punctuation does not split a word").isEqualTo(1);
	}

	@Test
	void anEmptyOrBlankTextCountsAsOneToken() {
		assertThat(MockCompletion.countTokens("")).isEqualTo(1);
		assertThat(MockCompletion.countTokens(" \n\t ")).isEqualTo(1);
	}

	@Test
	void seedsAreTheStandard64BitFnv1aHash() {
		assertThat(MockCompletion.fnv1a("")).as("FNV-1a offset basis").isEqualTo(0xcbf29ce484222325L);
		assertThat(MockCompletion.fnv1a("a")).as("published FNV-1a 64 test vector").isEqualTo(0xaf63dc4c8601ec8cL);
		assertThat(MockCompletion.fnv1a("foobar")).as("published FNV-1a 64 test vector").isEqualTo(0x85944171f73967e8L);
	}

}
