package dev.switchboard.guardrails;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.switchboard.config.SwitchboardProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Randomized tests with fixed seeds, each under a generous time bound (a hang, not a speed, is what fails): the
 * detectors and the stream redactor on random and adversarial input never throw, and a stream cut at random places
 * comes out as the whole text does; users' patterns that make backtracking engines explode run in linear time.
 */
class GuardrailsFuzzTests {

	private static final String[] PIECES = { " ", "\n", "\\n", "\"", "'", ":", "=", "@", ".", "/", "-", "_", "[", "]",
			"{", "}", "password: ", "AKIA", "ghp_", "sk-", "-----BEGIN", "eyJ", "\u00e9", "\ud83d\ude00", "0", "9",
			"[EMAIL_", "1]", "the", "Project", "falcon", "EMP-12", "3456", "aaaaaaaaaaaa", "+1 415", "4111 1111" };

	private static final Guardrail SECRETS = StreamGuardTests
		.withResponse(SecretCatalogTests.compile(Map.of("type", "secrets")));

	private static final Guardrail PII = StreamGuardTests.withResponse(SecretCatalogTests.compile(Map.of("type", "pii")));

	@Test
	void randomInputNeverBreaksTheDetectorsOrTheStreamRedactor() {
		Guardrail user = StreamGuardTests.withResponse(userPatterns(Map.of("emp", "EMP-[0-9]{6}", "nested", "(a+)+b")));
		assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
			SplittableRandom random = new SplittableRandom(42);
			for (int round = 0; round < 600; round++) {
				StringBuilder text = new StringBuilder();
				int parts = 1 + random.nextInt(60);
				for (int i = 0; i < parts; i++) {
					text.append(random.nextInt(4) == 0 ? Fixtures.chars("aZ9+/=-_.@: \n\"\\", 1 + random.nextInt(30),
							random.nextLong()) : PIECES[random.nextInt(PIECES.length)]);
				}
				Masks masks = new Masks();
				masks.placeholder("EMAIL", "x@y.example");
				Scanner scanner = new Scanner(List.of(SECRETS, PII, user), Direction.RESPONSE, new RestoreRule(masks));
				scanner.find(text.toString(), 0);
				List<String> out = StreamGuardTests.run(new StreamGuard(StreamGuardTests.context(), scanner),
						StreamGuardTests.chatEvents(cut(text.toString(), random)));
				assertThat(out).isNotEmpty();
			}
		});
	}

	@Test
	void aStreamCutAtRandomComesOutAsTheWholeTextDoes() {
		assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
			SplittableRandom random = new SplittableRandom(7);
			String[] values = { Fixtures.githubToken(), Fixtures.awsAccessKeyId(), Fixtures.jwt(), Fixtures.openAiKey(),
					Fixtures.anthropicKey(), "jane.doe@example.com", "+1 415 555 0100", "4111 1111 1111 1111",
					"DE89 3704 0044 0532 0130 00", "192.168.10.20", "123-45-6789", "[EMAIL_1]", Fixtures.privateKey(),
					"password: hunter2hunter2", "postgres://app:Pa55w0rd!@db.internal:5432/x" };
			String[] words = { "the", "deploy", "uses", "and", "then", "ok.", "see", "(note)", "value:", "\n", "-", "a" };
			for (int round = 0; round < 400; round++) {
				StringBuilder text = new StringBuilder();
				int parts = 3 + random.nextInt(12);
				for (int i = 0; i < parts; i++) {
					text.append(random.nextInt(3) == 0 ? values[random.nextInt(values.length)] : words[random.nextInt(words.length)])
						.append(' ');
				}
				String whole = text.toString();
				Masks masks = new Masks();
				masks.placeholder("EMAIL", "x@y.example");
				Scanner scanner = new Scanner(List.of(SECRETS, PII), Direction.RESPONSE, new RestoreRule(masks));
				String expected = StreamGuardTests.context().apply(scanner, whole, false);
				String streamed = StreamGuardTests.chatText(StreamGuardTests.run(
						new StreamGuard(StreamGuardTests.context(), scanner), StreamGuardTests.chatEvents(cut(whole, random))));
				assertThat(streamed).as("round " + round + ": " + whole).isEqualTo((expected != null) ? expected : whole);
			}
		});
	}

	@Test
	void usersPatternsThatExplodeInBacktrackingEnginesRunInLinearTime() {
		Guardrail user = userPatterns(Map.of("nested", "(a+)+$", "alternation", "(a|a)*b", "overlap", "(x+x+)+y",
				"evil", "^(([a-z])+.)+[A-Z]([a-z])+$"));
		String attack = "a".repeat(50_000) + "!" + "x".repeat(20_000);
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			Scanner scanner = new Scanner(List.of(user), Direction.REQUEST, null);
			assertThat(scanner.find(attack, 0)).isEmpty();
			// and in a stream, where the hold-back asks a backtracking engine: its step budget bounds it
			Scanner answers = new Scanner(List.of(StreamGuardTests.withResponse(user)), Direction.RESPONSE, null);
			List<String> pieces = new ArrayList<>();
			for (int i = 0; i < 400; i++) {
				pieces.add("aaaaaaaaaa");
			}
			List<String> out = StreamGuardTests.run(new StreamGuard(StreamGuardTests.context(), answers),
					StreamGuardTests.chatEvents(pieces));
			// a possible match longer than the hold-back is not held to its end: the text goes on, the match is acted on
			assertThat(StreamGuardTests.chatText(out)).contains("[REDACTED:nested]").matches("[a]*\\[REDACTED:nested\\][a]*");
		});
	}

	/** {@code text} in 1 to 12 pieces cut at random places. */
	private static List<String> cut(String text, SplittableRandom random) {
		List<String> pieces = new ArrayList<>();
		int at = 0;
		while (at < text.length()) {
			int next = Math.min(text.length(), at + 1 + random.nextInt(Math.max(1, text.length() / 3)));
			// never inside a surrogate pair: a stream's JSON text cannot cut one either
			if (next < text.length() && Character.isLowSurrogate(text.charAt(next))) {
				next++;
			}
			pieces.add(text.substring(at, next));
			at = next;
		}
		return pieces;
	}

	private static Guardrail userPatterns(Map<String, String> patterns) {
		SwitchboardProperties properties = new SwitchboardProperties();
		GuardrailProperties g = new GuardrailProperties();
		g.setType("regex");
		g.setPatterns(new java.util.LinkedHashMap<>(patterns));
		properties.getGuardrails().put("user", g);
		List<String> problems = new ArrayList<>();
		Guardrail compiled = GuardrailsCompiler.compile(properties, problems).byName().get("user");
		assertThat(problems).isEmpty();
		return compiled;
	}

}
