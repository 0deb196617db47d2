package dev.switchboard.provider.mock;

import java.util.SplittableRandom;

/**
 * A deterministic unit vector for a text: the same text always maps to the same vector.
 */
final class MockEmbedding {

	private MockEmbedding() {
	}

	static double[] of(String text, int dimensions) {
		SplittableRandom random = new SplittableRandom(MockCompletion.fnv1a(text));
		double[] vector = new double[dimensions];
		double norm = 0;
		for (int i = 0; i < dimensions; i++) {
			vector[i] = random.nextDouble(-1, 1);
			norm += vector[i] * vector[i];
		}
		norm = Math.sqrt(norm);
		for (int i = 0; i < dimensions; i++) {
			vector[i] = vector[i] / norm;
		}
		return vector;
	}

}
