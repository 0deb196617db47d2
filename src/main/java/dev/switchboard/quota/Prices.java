package dev.switchboard.quota;

import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What a model costs: {@code switchboard.prices} first (by route alias, then by {@code provider/model}), then the
 * built-in table by model name, where a dated snapshot ({@code gpt-4o-mini-2024-07-18},
 * {@code claude-sonnet-4-20250514}) costs what its model does. A model in neither costs 0 and is counted as unpriced.
 * <p>
 * The built-in prices are the providers' published list prices per million tokens (standard tier, prompts under any
 * long-context surcharge), as of the table's date; docs/quotas.md lists the source of each group. Anthropic's prompt
 * cache writes are priced as input tokens.
 */
public final class Prices {

	/** When the built-in table was last checked against the providers' pages. */
	public static final String BUILT_IN_AS_OF = "2025-11";

	private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|latest)$");

	// @formatter:off
	static final Map<String, Price> BUILT_IN = Map.ofEntries(
			// OpenAI, platform.openai.com/docs/pricing
			Map.entry("gpt-5", new Price(1.25, 10.00, 0.125)),
			Map.entry("gpt-5-mini", new Price(0.25, 2.00, 0.025)),
			Map.entry("gpt-5-nano", new Price(0.05, 0.40, 0.005)),
			Map.entry("gpt-4.1", new Price(2.00, 8.00, 0.50)),
			Map.entry("gpt-4.1-mini", new Price(0.40, 1.60, 0.10)),
			Map.entry("gpt-4.1-nano", new Price(0.10, 0.40, 0.025)),
			Map.entry("gpt-4o", new Price(2.50, 10.00, 1.25)),
			Map.entry("gpt-4o-mini", new Price(0.15, 0.60, 0.075)),
			Map.entry("o3", new Price(2.00, 8.00, 0.50)),
			Map.entry("o3-mini", new Price(1.10, 4.40, 0.55)),
			Map.entry("o4-mini", new Price(1.10, 4.40, 0.275)),
			Map.entry("text-embedding-3-small", new Price(0.02, 0)),
			Map.entry("text-embedding-3-large", new Price(0.13, 0)),
			// Anthropic, docs.anthropic.com/en/docs/about-claude/pricing (cached = cache read)
			Map.entry("claude-opus-4-5", new Price(5.00, 25.00, 0.50)),
			Map.entry("claude-opus-4-1", new Price(15.00, 75.00, 1.50)),
			Map.entry("claude-opus-4", new Price(15.00, 75.00, 1.50)),
			Map.entry("claude-sonnet-4-5", new Price(3.00, 15.00, 0.30)),
			Map.entry("claude-sonnet-4", new Price(3.00, 15.00, 0.30)),
			Map.entry("claude-3-7-sonnet", new Price(3.00, 15.00, 0.30)),
			Map.entry("claude-haiku-4-5", new Price(1.00, 5.00, 0.10)),
			Map.entry("claude-3-5-haiku", new Price(0.80, 4.00, 0.08)),
			// Google, ai.google.dev/gemini-api/docs/pricing (prompts up to 200k tokens)
			Map.entry("gemini-2.5-pro", new Price(1.25, 10.00, 0.31)),
			Map.entry("gemini-2.5-flash", new Price(0.30, 2.50, 0.075)),
			Map.entry("gemini-2.5-flash-lite", new Price(0.10, 0.40, 0.025)),
			Map.entry("gemini-2.0-flash", new Price(0.10, 0.40, 0.025)));
	// @formatter:on

	private final Map<String, Price> overrides;

	/** @param overrides {@code switchboard.prices}, by alias or {@code provider/model} */
	public Prices(Map<String, Price> overrides) {
		this.overrides = Map.copyOf(overrides);
	}

	public static Prices builtIn() {
		return new Prices(Map.of());
	}

	/**
	 * The price of an answer by {@code model} at {@code provider} on route {@code alias}; {@code null} when unknown.
	 * @param alias the route alias the client asked for, or {@code null} for a direct {@code provider/model}
	 */
	public @Nullable Price of(@Nullable String alias, String provider, String model) {
		if (alias != null) {
			Price price = this.overrides.get(alias);
			if (price != null) {
				return price;
			}
		}
		Price price = this.overrides.get(provider + "/" + model);
		if (price != null) {
			return price;
		}
		price = BUILT_IN.get(model);
		if (price == null) {
			String undated = DATE_SUFFIX.matcher(model).replaceFirst("");
			price = BUILT_IN.get(undated);
		}
		return price;
	}

}
