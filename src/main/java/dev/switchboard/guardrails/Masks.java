package dev.switchboard.guardrails;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The reversible masking of one request: each distinct value gets one placeholder ({@code [EMAIL_1]},
 * {@code [PHONE_2]}, numbered in order of appearance across labels), and the answer gets the values back. The
 * originals live only here, in the request's memory, for as long as the exchange.
 */
final class Masks {

	private final Map<String, String> byValue = new HashMap<>();

	private final Map<String, String> byPlaceholder = new HashMap<>();

	private int count;

	/** The placeholder of {@code value}: the one it already has, or a new one under {@code label}. */
	synchronized String placeholder(String label, String value) {
		String placeholder = this.byValue.get(value);
		if (placeholder == null) {
			placeholder = "[" + label + "_" + (++this.count) + "]";
			this.byValue.put(value, placeholder);
			this.byPlaceholder.put(placeholder, value);
		}
		return placeholder;
	}

	/** The original behind {@code placeholder}, or {@code null} when this request gave out no such placeholder. */
	synchronized @Nullable String original(String placeholder) {
		return this.byPlaceholder.get(placeholder);
	}

	synchronized boolean isEmpty() {
		return this.byPlaceholder.isEmpty();
	}

}
