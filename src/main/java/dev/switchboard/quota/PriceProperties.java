package dev.switchboard.quota;

import org.jspecify.annotations.Nullable;

/** One entry of {@code switchboard.prices}: US dollars per million tokens. */
public class PriceProperties {

	/** Per million input tokens. */
	private @Nullable Double input;

	/** Per million output tokens (reasoning tokens included). */
	private @Nullable Double output;

	/** Per million input tokens read from the provider's prompt cache; the input price when unset. */
	private @Nullable Double cachedInput;

	public @Nullable Double getInput() {
		return this.input;
	}

	public void setInput(@Nullable Double input) {
		this.input = input;
	}

	public @Nullable Double getOutput() {
		return this.output;
	}

	public void setOutput(@Nullable Double output) {
		this.output = output;
	}

	public @Nullable Double getCachedInput() {
		return this.cachedInput;
	}

	public void setCachedInput(@Nullable Double cachedInput) {
		this.cachedInput = cachedInput;
	}

}
