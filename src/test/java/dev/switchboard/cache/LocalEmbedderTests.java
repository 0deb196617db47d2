package dev.switchboard.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-process embedding model on the labelled pairs: the similarity of each pair as the semantic cache computes
 * it (user turn text, unit vectors, dot product), the load time and the embedding latency, printed for docs/cache.md.
 */
class LocalEmbedderTests {

	private static LocalEmbedder embedder;

	@BeforeAll
	static void load() {
		embedder = new LocalEmbedder();
	}

	@AfterAll
	static void close() {
		embedder.close();
	}

	@Test
	void paraphrasesScoreAboveTheThresholdAndOtherQuestionsBelow() {
		double threshold = 0.9;
		int truePositives = 0;
		int falsePositives = 0;
		int paraphrases = 0;
		int others = 0;
		List<Long> nanos = new ArrayList<>();
		StringBuilder report = new StringBuilder();
		for (LabelledPairs.Pair pair : LabelledPairs.PAIRS) {
			float[] first = embed("user: " + pair.first() + "\n", nanos);
			float[] second = embed("user: " + pair.second() + "\n", nanos);
			double similarity = SemanticIndex.dot(first, second);
			report.append(String.format("%.3f %s | %s | %s%n", similarity, pair.paraphrase() ? "P" : "N", pair.first(),
					pair.second()));
			if (pair.paraphrase()) {
				paraphrases++;
				truePositives += (similarity >= threshold) ? 1 : 0;
			}
			else {
				others++;
				falsePositives += (similarity >= threshold) ? 1 : 0;
			}
		}
		Collections.sort(nanos);
		System.out.println(report);
		System.out.println("semantic model: load " + Duration.ofNanos(embedder.loadNanos()).toMillis() + " ms, embedding p50 "
				+ nanos.get(nanos.size() / 2) / 1000 + " us, p90 " + nanos.get(nanos.size() * 9 / 10) / 1000 + " us over "
				+ nanos.size() + "; recall " + truePositives + "/" + paraphrases + ", false hits " + falsePositives + "/"
				+ others + " at " + threshold);
		assertThat(falsePositives).as("no other question is served another's answer").isZero();
		assertThat(truePositives).as("most paraphrases are hits").isGreaterThanOrEqualTo(paraphrases * 3 / 4);
	}

	private static float[] embed(String text, List<Long> nanos) {
		long start = System.nanoTime();
		float[] vector = embedder.embed(text).block(Duration.ofSeconds(60));
		if (embedder.loadNanos() >= 0 && nanos.size() < 1000) {
			nanos.add(System.nanoTime() - start);
		}
		assertThat(vector).hasSize(384);
		return vector;
	}

}
