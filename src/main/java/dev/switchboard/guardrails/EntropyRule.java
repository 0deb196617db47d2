package dev.switchboard.guardrails;

import java.util.List;

/**
 * {@code high-entropy}: a token that looks random enough to be a credential no catalog rule knows. A token is a run
 * of base64, base64url and hex characters at least {@code minLength} long, at most {@link #MAX_LENGTH}, with at least
 * one digit and one letter, and a Shannon entropy of at least {@code threshold} bits per character.
 * <p>
 * What it lets pass on purpose: pure hex (git SHAs, checksums, hashes in lock files: hex has at most 4 bits per
 * character, so real hex secrets look like hashes; the catalog knows the hex secrets that have a prefix), UUIDs,
 * Subresource Integrity hashes ({@code sha512-...}), runs longer than {@link #MAX_LENGTH} (base64 data, not keys),
 * and tokens without a digit (long words, identifiers in camel case).
 */
final class EntropyRule extends Rule {

	/** Longer runs are data (a base64 image, a minified bundle), not credentials. */
	static final int MAX_LENGTH = 256;

	private final int minLength;

	private final double threshold;

	EntropyRule(int minLength, double threshold) {
		super("high-entropy");
		this.minLength = minLength;
		this.threshold = threshold;
	}

	@Override
	void find(Text text, int from, List<Span> out) {
		String value = text.value;
		int i = from;
		int length = value.length();
		if (i > 0 && i < length && isToken(value.charAt(i - 1)) && isToken(value.charAt(i))) {
			// a token that began before 'from' (a stream released its first part as a plain word): judged whole, and
			// what is left of it from 'from' on is acted on
			int start = i - 1;
			while (start > 0 && isToken(value.charAt(start - 1))) {
				start--;
			}
			while (i < length && isToken(value.charAt(i))) {
				i++;
			}
			if (i - start >= this.minLength && i - start <= MAX_LENGTH && !base64Line(value, start, i)
					&& looksRandom(value, start, i)) {
				out.add(new Span(from, i, this));
			}
		}
		while (i < length) {
			if (!isToken(value.charAt(i))) {
				i++;
				continue;
			}
			int start = i;
			while (i < length && isToken(value.charAt(i))) {
				i++;
			}
			int end = i;
			// trailing '=' padding and separators are not part of the secret's randomness
			if (end - start >= this.minLength && end - start <= MAX_LENGTH && !base64Line(value, start, end)
					&& looksRandom(value, start, end)) {
				out.add(new Span(start, end, this));
			}
		}
	}

	private boolean looksRandom(String value, int start, int end) {
		boolean digit = false;
		boolean letter = false;
		boolean nonHex = false;
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (c >= '0' && c <= '9') {
				digit = true;
			}
			else if (Character.isLetter(c)) {
				letter = true;
				if (!((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
					nonHex = true;
				}
			}
			else if (c != '-') {
				nonHex = true;
			}
		}
		if (!digit || !letter || !nonHex) {
			return false; // no digit, no letter, or hex with dashes (UUIDs, SHAs, checksums)
		}
		if (integrityHash(value, start) || pathLike(value, start, end)) {
			return false;
		}
		return entropy(value, start, end) >= this.threshold;
	}

	/**
	 * A whole line of a base64 block (PEM certificates and public keys, MIME bodies): 64 or 76 characters between
	 * line breaks. Data, not a credential; a private key's block is the {@code private-key} rule's.
	 */
	private static boolean base64Line(String value, int start, int end) {
		int length = end - start;
		return (length == 64 || length == 76) && start > 0 && value.charAt(start - 1) == '\n' && end < value.length()
				&& (value.charAt(end) == '\n' || value.charAt(end) == '\r');
	}

	/**
	 * A path ({@code node_modules/pkg-1a2b3c}, {@code src/main/v2}): slashes with a segment of lower-case letters
	 * only, which random base64 rarely has.
	 */
	private static boolean pathLike(String value, int start, int end) {
		int segment = start;
		boolean slash = false;
		boolean wordSegment = false;
		for (int i = start; i <= end; i++) {
			if (i == end || value.charAt(i) == '/') {
				slash |= i < end;
				if (i - segment >= 3) {
					boolean word = true;
					for (int c = segment; c < i && word; c++) {
						char ch = value.charAt(c);
						word = (ch >= 'a' && ch <= 'z') || ch == '_' || ch == '-';
					}
					wordSegment |= word;
				}
				segment = i + 1;
			}
		}
		return slash && wordSegment;
	}

	/**
	 * {@code sha512-<base64>} and friends: Subresource Integrity, as in package-lock.json; go.sum's {@code h1:}
	 * hashes.
	 */
	private static boolean integrityHash(String value, int start) {
		if (start >= 3 && value.startsWith("h1:", start - 3)) {
			return true;
		}
		int dash = value.indexOf('-', start);
		if (dash < 0 || dash - start > 6) {
			return false;
		}
		String algorithm = value.substring(start, dash);
		return algorithm.equals("sha512") || algorithm.equals("sha384") || algorithm.equals("sha256")
				|| algorithm.equals("sha1");
	}

	static double entropy(String value, int start, int end) {
		int[] counts = new int[128];
		int other = 0;
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (c < 128) {
				counts[c]++;
			}
			else {
				other++;
			}
		}
		double length = end - start;
		double bits = 0;
		for (int count : counts) {
			if (count > 0) {
				double p = count / length;
				bits -= p * (Math.log(p) / Math.log(2));
			}
		}
		if (other > 0) {
			double p = other / length;
			bits -= p * (Math.log(p) / Math.log(2));
		}
		return bits;
	}

	static boolean isToken(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
				|| c == '=' || c == '_' || c == '-';
	}

	/**
	 * A stream holds the trailing token back only when it could grow into a random one: it has a digit, an upper-case
	 * letter after its first character, or a symbol of base64. A plain word passes at once.
	 */
	@Override
	boolean possibleAt(String text, int start) {
		if (start > 0 && isToken(text.charAt(start - 1))) {
			return false;
		}
		int length = text.length();
		if (start >= length || !isToken(text.charAt(start))) {
			return false;
		}
		for (int i = start; i < length; i++) {
			if (!isToken(text.charAt(i))) {
				return false; // the token ended: find() has judged it
			}
		}
		if (length - start > MAX_LENGTH) {
			return false;
		}
		for (int i = start; i < length; i++) {
			char c = text.charAt(i);
			if ((c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' || c == '_' || c == '-'
					|| (i > start && c >= 'A' && c <= 'Z')) {
				return true;
			}
		}
		return false;
	}

}
