package dev.switchboard.guardrails;

import java.util.SplittableRandom;

/**
 * Test credentials built at run time from the formats' documentation: none is a real secret, and none appears
 * whole in the repository's source (so secret scanners such as GitHub push protection have nothing to flag).
 */
final class Fixtures {

	private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	private Fixtures() {
	}

	/** {@code length} characters of {@code alphabet}, the same for the same seed. */
	static String chars(String alphabet, int length, long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		StringBuilder out = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			out.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return out.toString();
	}

	static String alnum(int length, long seed) {
		return chars(ALNUM, length, seed);
	}

	static String hex(int length, long seed) {
		return chars("0123456789abcdef", length, seed);
	}

	static String base64(int length, long seed) {
		return chars(ALNUM + "+/", length, seed);
	}

	static String join(String... parts) {
		return String.join("", parts);
	}

	// the AWS documentation's example key pair
	static String awsAccessKeyId() {
		return join("AK", "IA", "IOSFODNN7", "EXAMPLE");
	}

	static String awsSecretKey() {
		return join("wJalrXUtnFEMI", "/K7MDENG/bPxRfiCY", "EXAMPLEKEY");
	}

	static String githubToken() {
		return join("gh", "p_", alnum(36, 1));
	}

	static String openAiKey() {
		return join("sk-", "proj-", alnum(20, 2), "T3Blbk", "FJ", alnum(40, 3));
	}

	static String anthropicKey() {
		return join("sk-", "ant-", "api03-", alnum(93, 4), "AA");
	}

	/** jwt.io's example token. */
	static String jwt() {
		return join("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", ".",
				"eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ", ".",
				"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");
	}

	static String privateKey() {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < 6; i++) {
			body.append(base64(64, 10 + i)).append('\n');
		}
		return join("-----BEGIN ", "RSA PRIVATE", " KEY-----\n", body.toString(), "-----END ", "RSA PRIVATE", " KEY-----");
	}

}
