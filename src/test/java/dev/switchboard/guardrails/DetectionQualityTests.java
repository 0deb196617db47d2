package dev.switchboard.guardrails;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

import static dev.switchboard.guardrails.Fixtures.base64;
import static dev.switchboard.guardrails.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What docs/guardrails.md reports: recall on the rules' positive fixtures, each in several contexts a prompt puts a
 * value in, and the false-positive rate on a benign corpus (this project's own source and docs, a lock file, UUIDs,
 * git SHAs, base64 data, minified code, prose). The numbers are printed; the assertions are the floors they must
 * not fall below.
 */
class DetectionQualityTests {

	private static final Scanner ALL = new Scanner(List.of(SecretCatalogTests.compile(Map.of("type", "secrets")),
			SecretCatalogTests.compile(Map.of("type", "pii"))), Direction.REQUEST, null);

	/** Where a pasted value sits: alone, in quotes, as a JSON value with escapes around, after =, in a URL, ... */
	private static final List<String[]> CONTEXTS = List.of(new String[] { "", "" }, new String[] { "value: \"", "\"" },
			new String[] { "{\"k\":\"x\\n", "\\n\"}" }, new String[] { "X=", "\n" }, new String[] { "(", ")." },
			new String[] { "line one\n\t", "\nline three" }, new String[] { "'", "', " }, new String[] { "<td>", "</td>" });

	@Test
	void recallOnThePositiveFixturesInEveryContext() {
		List<String> missed = new ArrayList<>();
		int total = 0;
		List<Arguments> positives = new ArrayList<>();
		SecretCatalogTests.fixtures().forEach(positives::add);
		Stream<Arguments> pii = PiiCatalogTests.positives();
		pii.forEach(positives::add);
		for (Arguments fixture : positives) {
			Object[] args = fixture.get();
			String rule = (String) args[0];
			String value = (String) args[args.length == 4 ? 2 : 2];
			for (String[] context : CONTEXTS) {
				if (rule.equals("secret-assignment") || rule.equals("aws-secret-access-key") || rule.equals("twilio-auth-token")
						|| rule.equals("gcp-service-account") || rule.equals("azure-storage-key") || rule.equals("azure-sas-token")
						|| rule.equals("azure-shared-access-key") || rule.equals("url-credentials")) {
					value = (String) args[1]; // the value is found by its name: the whole fixture line
				}
				total++;
				String text = context[0] + value + context[1];
				String secret = (String) args[2];
				int at = text.indexOf(secret);
				// found: the value is acted on (by its rule, or by one that knows a larger whole around it)
				boolean found = ALL.find(text, 0).stream().anyMatch(hit -> hit.start() <= at && hit.end() >= at + secret.length());
				if (!found) {
					missed.add(rule + " in " + context[0].replace("\n", "\\n") + "…" + context[1].replace("\n", "\\n"));
				}
			}
		}
		double recall = 1.0 - (double) missed.size() / total;
		System.out.printf("guardrails recall: %d of %d fixture placements found (%.1f%%); missed: %s%n",
				total - missed.size(), total, recall * 100, missed);
		assertThat(recall).as("recall; missed: " + missed).isGreaterThanOrEqualTo(0.95);
	}

	@Test
	void falsePositivesOnABenignCorpus() throws IOException {
		Map<String, String> corpus = new java.util.LinkedHashMap<>();
		corpus.put("source (src/main/java)", read(Path.of("src/main/java"), ".java"));
		corpus.put("docs (docs/architecture.md)", Files.readString(Path.of("docs/architecture.md")));
		corpus.put("lock files (package-lock, go.sum, Cargo.lock)", lockFiles());
		corpus.put("UUIDs and git SHAs", identifiers());
		corpus.put("base64 data", base64Data());
		corpus.put("minified code", minified());
		corpus.put("prose and long words", prose());
		int lines = 0;
		int flagged = 0;
		long chars = 0;
		StringBuilder report = new StringBuilder();
		List<String> examples = new ArrayList<>();
		for (Map.Entry<String, String> entry : corpus.entrySet()) {
			String document = entry.getValue();
			int partLines = document.split("\n").length;
			java.util.Set<Integer> flaggedLines = new java.util.HashSet<>();
			for (Scanner.Hit hit : ALL.find(document, 0)) {
				int line = (int) document.substring(0, hit.start()).chars().filter(c -> c == '\n').count();
				flaggedLines.add(line);
				if (examples.size() < 12) {
					examples.add(hit.rule().name() + ": " + document.substring(hit.start(), Math.min(hit.end(), hit.start() + 40)));
				}
			}
			int partFlagged = flaggedLines.size();
			chars += entry.getValue().length();
			lines += partLines;
			flagged += partFlagged;
			report.append(String.format("%n  %-46s %6d lines, %3d flagged", entry.getKey(), partLines, partFlagged));
		}
		double rate = (double) flagged / lines;
		System.out.printf("guardrails false positives: %d of %d lines (%.3f%%), %d chars%s%n  examples: %s%n", flagged,
				lines, rate * 100, chars, report, examples);
		assertThat(rate).as("false-positive rate; " + examples).isLessThan(0.002);
	}

	/** Reported, not asserted (tests never assert speed): what the scan costs on a typical request and stream event. */
	@Test
	void costOfTheScanOnATypicalRequestAndStreamEvent() {
		byte[] request = ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful "
				+ "assistant.\"},{\"role\":\"user\",\"content\":\"" + "Summarize the following meeting notes in three bullet "
						.repeat(12) + "\"}]}").getBytes(StandardCharsets.UTF_8);
		Scanner requests = new Scanner(List.of(SecretCatalogTests.compile(Map.of("type", "secrets")),
				SecretCatalogTests.compile(Map.of("type", "pii"))), Direction.REQUEST, null);
		GuardContext context = StreamGuardTests.context();
		long requestNanos = time(20_000, () -> TextChecks.local(request, JsonTexts.Mode.REQUEST, requests, context));
		Scanner answers = new Scanner(List.of(StreamGuardTests.withResponse(SecretCatalogTests.compile(Map.of("type", "secrets"))),
				StreamGuardTests.withResponse(SecretCatalogTests.compile(Map.of("type", "pii")))), Direction.RESPONSE, null);
		StreamGuard guard = new StreamGuard(context, answers);
		String[] words = { " the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog." };
		int[] i = { 0 };
		long eventNanos = time(50_000,
				() -> guard.accept(StreamGuardTests.chatEvent(words[i[0]++ % words.length]).getBytes(StandardCharsets.UTF_8)));
		System.out.printf("guardrails cost: %d-byte chat request, secrets + pii: %.1f us per request; stream event, "
				+ "secrets + pii on answers: %.1f us per event%n", request.length, requestNanos / 1000.0, eventNanos / 1000.0);
	}

	private static long time(int rounds, Runnable work) {
		for (int i = 0; i < rounds; i++) {
			work.run();
		}
		long start = System.nanoTime();
		for (int i = 0; i < rounds; i++) {
			work.run();
		}
		return (System.nanoTime() - start) / rounds;
	}

	private static String read(Path root, String suffix) throws IOException {
		StringBuilder out = new StringBuilder();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter(f -> f.toString().endsWith(suffix)).sorted().toList()) {
				out.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
			}
		}
		return out.toString();
	}

	private static String lockFiles() {
		StringBuilder out = new StringBuilder("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n");
		for (int i = 0; i < 400; i++) {
			String name = "pkg-" + hex(6, i);
			out.append("    \"node_modules/").append(name).append("\": {\n      \"version\": \"").append(i % 9).append('.')
				.append(i % 13).append('.').append(i % 7).append("\",\n      \"resolved\": \"https://registry.npmjs.org/")
				.append(name).append("/-/").append(name).append("-1.0.").append(i).append(".tgz\",\n      \"integrity\": \"sha512-")
				.append(base64(86, 1000 + i)).append("==\"\n    },\n");
		}
		out.append("  }\n}\n");
		for (int i = 0; i < 300; i++) {
			out.append("golang.org/x/mod").append(i).append(" v0.").append(i).append(".0 h1:").append(base64(43, 2000 + i))
				.append("=\n");
			out.append("[[package]]\nname = \"crate").append(i).append("\"\nversion = \"0.").append(i)
				.append(".1\"\nchecksum = \"").append(hex(64, 3000 + i)).append("\"\n");
		}
		return out.toString();
	}

	private static String identifiers() {
		SplittableRandom random = new SplittableRandom(7);
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < 1000; i++) {
			out.append("id ").append(new UUID(random.nextLong(), random.nextLong())).append(" commit ").append(hex(40, 4000 + i))
				.append(" short ").append(hex(7, 5000 + i)).append(" sha256:").append(hex(64, 6000 + i)).append('\n');
		}
		return out.toString();
	}

	private static String base64Data() {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < 40; i++) {
			out.append("data:image/png;base64,").append(base64(3000, 7000 + i)).append("==\n");
			out.append("-----BEGIN CERTIFICATE-----\n");
			for (int line = 0; line < 20; line++) {
				out.append(base64(64, 8000 + i * 100 + line)).append('\n');
			}
			out.append("-----END CERTIFICATE-----\n");
		}
		return out.toString();
	}

	private static String minified() {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < 200; i++) {
			String a = "a" + hex(2, 9000 + i);
			out.append("!function(e,t){\"object\"==typeof exports?module.exports=t():e.").append(a)
				.append("=t()}(this,function(){var n=[],r={};return function ").append(a)
				.append("(o){if(r[o])return r[o].exports;var i=r[o]={i:o,l:!1,exports:{}};return n[o].call(i.exports,i,i.exports,")
				.append(a).append("),i.l=!0,i.exports}}({0:function(e,t,n){e.exports=n(1)},1:function(e){e.exports=\"")
				.append(i).append(".0.0\"}});\n");
		}
		return out.toString();
	}

	private static String prose() {
		String[] words = { "Pneumonoultramicroscopicsilicovolcanoconiosis", "Donaudampfschifffahrtsgesellschaftskapitän",
				"AbstractSingletonProxyFactoryBean", "internationalization", "the", "gateway", "routes", "requests", "to",
				"providers", "and", "streams", "answers", "back", "with", "tokens", "counted", "version", "1.2.3", "on",
				"2024-05-17", "at", "10:30", "for", "$19.99", "or", "50%", "of", "users", "password", "policy", "is",
				"documented", "secret", "key", "rotation", "every", "90", "days." };
		SplittableRandom random = new SplittableRandom(11);
		StringBuilder out = new StringBuilder();
		for (int line = 0; line < 1500; line++) {
			for (int w = 0; w < 14; w++) {
				out.append(words[random.nextInt(words.length)]).append(' ');
			}
			out.append('\n');
		}
		return out.toString();
	}

}
