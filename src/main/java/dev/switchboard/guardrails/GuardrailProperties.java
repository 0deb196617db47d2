package dev.switchboard.guardrails;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One named guardrail as bound from {@code switchboard.guardrails.<name>}. Binding accepts anything;
 * {@link GuardrailsCompiler} checks it with the rest of the configuration.
 */
public class GuardrailProperties {

	/** What it detects: secrets, pii, regex, keywords or webhook. */
	private @Nullable String type;

	/** What a match does: redact, mask, block or log; redact when unset. Not used by webhooks. */
	private @Nullable String action;

	/** Which side it checks: request, response or both; request when unset. */
	private List<String> directions = new ArrayList<>(List.of("request"));

	/** Whether it applies to every AI request, not only to the routes and keys that name it. */
	private boolean global;

	/** secrets only: the detector of high-entropy tokens that no catalog rule knows. */
	private Entropy entropy = new Entropy();

	/** pii only: which entities (email, phone, credit-card, iban, ip-address, us-ssn); all when unset. */
	private @Nullable List<String> entities;

	/** keywords only: words or phrases, matched case-insensitively as whole words. */
	private List<String> words = new ArrayList<>();

	/** regex only: rule name -> pattern (RE2 syntax: linear time, no backreferences or lookaround). */
	private Map<String, String> patterns = new LinkedHashMap<>();

	/** webhook only: the URL the texts are POSTed to. */
	private @Nullable String url;

	/** webhook only: how long to wait for its answer. */
	private Duration timeout = Duration.ofMillis(500);

	/** webhook only: allow (fail open) or block (fail closed) when it times out or answers non-2xx. */
	private String onError = "allow";

	public @Nullable String getType() {
		return this.type;
	}

	public void setType(@Nullable String type) {
		this.type = type;
	}

	public @Nullable String getAction() {
		return this.action;
	}

	public void setAction(@Nullable String action) {
		this.action = action;
	}

	public List<String> getDirections() {
		return this.directions;
	}

	public void setDirections(List<String> directions) {
		this.directions = directions;
	}

	public boolean isGlobal() {
		return this.global;
	}

	public void setGlobal(boolean global) {
		this.global = global;
	}

	public Entropy getEntropy() {
		return this.entropy;
	}

	public void setEntropy(Entropy entropy) {
		this.entropy = entropy;
	}

	public @Nullable List<String> getEntities() {
		return this.entities;
	}

	public void setEntities(@Nullable List<String> entities) {
		this.entities = entities;
	}

	public List<String> getWords() {
		return this.words;
	}

	public void setWords(List<String> words) {
		this.words = words;
	}

	public Map<String, String> getPatterns() {
		return this.patterns;
	}

	public void setPatterns(Map<String, String> patterns) {
		this.patterns = patterns;
	}

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public String getOnError() {
		return this.onError;
	}

	public void setOnError(String onError) {
		this.onError = onError;
	}

	public static class Entropy {

		/** Whether tokens that no catalog rule knows are checked for randomness. */
		private boolean enabled = true;

		/** Shortest token checked. */
		private int minLength = 20;

		/** Shannon entropy in bits per character at or above which a token counts as a secret. */
		private double threshold = 4.0;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMinLength() {
			return this.minLength;
		}

		public void setMinLength(int minLength) {
			this.minLength = minLength;
		}

		public double getThreshold() {
			return this.threshold;
		}

		public void setThreshold(double threshold) {
			this.threshold = threshold;
		}

	}

}
