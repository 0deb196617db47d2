package dev.switchboard.support;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code limits} block as its owner wrote it ({@code requests-per-minute}, {@code tokens-per-minute},
 * {@code concurrent-requests}, {@code budget}), in a form that neither the capability that holds it (auth, for a
 * key) nor the one that enforces it (quota) owns: auth parses it from an admin request's JSON and carries it on the
 * caller's key, quota compiles it into its counters. Configured limits are turned into one too, so that both kinds
 * are checked by the same rules ({@link #problems()}).
 * <p>
 * {@code null} is "not limited". Construction checks nothing: {@link #fromJson} refuses what is not the block's shape
 * (an unknown field, a string for a number), {@link #problems()} lists the values that cannot work.
 *
 * @param requestsPerMinute requests in any sliding minute
 * @param tokensPerMinute tokens in any sliding minute
 * @param concurrentRequests requests in flight
 * @param budget spend per period
 */
public record LimitsSpec(@Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute,
		@Nullable Long concurrentRequests, @Nullable Budget budget) {

	/** Budget periods as they are written; aligned to UTC. */
	public static final List<String> PERIODS = List.of("day", "week", "month", "total");

	/** The period of a budget that names none. */
	public static final String DEFAULT_PERIOD = "month";

	private static final Set<String> FIELDS = new TreeSet<>(
			Set.of("requests-per-minute", "tokens-per-minute", "concurrent-requests", "budget"));

	private static final Set<String> BUDGET_FIELDS = new TreeSet<>(Set.of("usd", "tokens", "period", "warn-at"));

	/** The smallest dollar budget: the counters count millionths of a dollar. */
	private static final BigDecimal MIN_USD = new BigDecimal("0.000001");

	/** Whether nothing is limited: a block that is as good as none. */
	public boolean isEmpty() {
		return this.requestsPerMinute == null && this.tokensPerMinute == null && this.concurrentRequests == null
				&& this.budget == null;
	}

	/**
	 * The values that cannot work, each named by its field within the block ({@code budget.period}) and described
	 * starting with that name, so that configuration prefixes where the block is ({@code switchboard.routes[0].limits.})
	 * and the admin API prefixes {@code limits.}. Empty when the block is valid.
	 */
	public List<Problem> problems() {
		List<Problem> problems = new ArrayList<>();
		positive("requests-per-minute", this.requestsPerMinute, problems);
		positive("tokens-per-minute", this.tokensPerMinute, problems);
		positive("concurrent-requests", this.concurrentRequests, problems);
		Budget b = this.budget;
		if (b != null) {
			if (!PERIODS.contains(b.period().trim().toLowerCase(Locale.ROOT))) {
				problems.add(new Problem("budget.period", "budget.period: unknown period '" + b.period() + "' ("
						+ String.join(", ", PERIODS) + ")"));
			}
			if ((b.usd() == null) == (b.tokens() == null)) {
				problems.add(new Problem("budget", "budget: set exactly one of usd and tokens"));
			}
			if (b.usd() != null && b.usd().signum() <= 0) {
				problems.add(new Problem("budget.usd", "budget.usd must be positive"));
			}
			else if (b.usd() != null && b.usd().compareTo(MIN_USD) < 0) {
				problems.add(new Problem("budget.usd", "budget.usd must be at least 0.000001 (one millionth of a dollar)"));
			}
			if (b.tokens() != null && b.tokens() <= 0) {
				problems.add(new Problem("budget.tokens", "budget.tokens must be positive"));
			}
			if (b.warnAt() != null && !(b.warnAt() > 0 && b.warnAt() <= 1)) {
				problems.add(new Problem("budget.warn-at",
						"budget.warn-at must be above 0 and at most 1 (a share: 0.8 for 80%)"));
			}
		}
		return problems;
	}

	private static void positive(String field, @Nullable Long value, List<Problem> problems) {
		if (value != null && value <= 0) {
			problems.add(new Problem(field, field + " must be positive"));
		}
	}

	/**
	 * The block of a JSON object: fields as configuration names them, numbers for numbers, {@code null} for unset.
	 * @throws Invalid for an unknown field or a value of the wrong type, naming the field within the block
	 */
	public static LimitsSpec fromJson(JsonNode node) {
		if (!node.isObject()) {
			throw new Invalid("", "must be a JSON object with " + String.join(", ", FIELDS) + ", or null for none.");
		}
		Long rpm = null;
		Long tpm = null;
		Long concurrent = null;
		Budget budget = null;
		for (Map.Entry<String, JsonNode> field : node.properties()) {
			String name = field.getKey();
			JsonNode value = field.getValue();
			switch (name) {
				case "requests-per-minute" -> rpm = whole(name, value);
				case "tokens-per-minute" -> tpm = whole(name, value);
				case "concurrent-requests" -> concurrent = whole(name, value);
				case "budget" -> budget = budget(value);
				default -> throw new Invalid(name, "is not a limit; limits are " + String.join(", ", FIELDS) + ".");
			}
		}
		return new LimitsSpec(rpm, tpm, concurrent, budget);
	}

	private static @Nullable Budget budget(JsonNode node) {
		if (node.isNull()) {
			return null;
		}
		if (!node.isObject()) {
			throw new Invalid("budget", "must be a JSON object with " + String.join(", ", BUDGET_FIELDS) + ".");
		}
		BigDecimal usd = null;
		Long tokens = null;
		String period = DEFAULT_PERIOD;
		Double warnAt = null;
		for (Map.Entry<String, JsonNode> field : node.properties()) {
			String name = "budget." + field.getKey();
			JsonNode value = field.getValue();
			switch (field.getKey()) {
				case "usd" -> usd = decimal(name, value);
				case "tokens" -> tokens = whole(name, value);
				case "period" -> {
					if (!value.isNull() && !value.isString()) {
						throw new Invalid(name, "must be one of " + String.join(", ", PERIODS) + ".");
					}
					period = value.isNull() ? DEFAULT_PERIOD : value.asString();
				}
				case "warn-at" -> {
					BigDecimal share = decimal(name, value);
					warnAt = (share != null) ? share.doubleValue() : null;
				}
				default -> throw new Invalid(name, "is not a budget field; a budget has "
						+ String.join(", ", BUDGET_FIELDS) + ".");
			}
		}
		return new Budget(usd, tokens, period, warnAt);
	}

	private static @Nullable Long whole(String field, JsonNode value) {
		if (value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong()) {
			throw new Invalid(field, "must be a whole number.");
		}
		return value.longValue();
	}

	private static @Nullable BigDecimal decimal(String field, JsonNode value) {
		if (value.isNull()) {
			return null;
		}
		if (!value.isNumber()) {
			throw new Invalid(field, "must be a number.");
		}
		return value.decimalValue();
	}

	/** The block as JSON, only what is set; the budget's period always. */
	public ObjectNode toJson() {
		ObjectNode out = JsonNodeFactory.instance.objectNode();
		if (this.requestsPerMinute != null) {
			out.put("requests-per-minute", this.requestsPerMinute);
		}
		if (this.tokensPerMinute != null) {
			out.put("tokens-per-minute", this.tokensPerMinute);
		}
		if (this.concurrentRequests != null) {
			out.put("concurrent-requests", this.concurrentRequests);
		}
		Budget b = this.budget;
		if (b != null) {
			ObjectNode budget = out.putObject("budget");
			if (b.usd() != null) {
				budget.put("usd", b.usd());
			}
			if (b.tokens() != null) {
				budget.put("tokens", b.tokens());
			}
			budget.put("period", b.period());
			if (b.warnAt() != null) {
				budget.put("warn-at", b.warnAt());
			}
		}
		return out;
	}

	/**
	 * Spend per period: exactly one of {@code usd} and {@code tokens}.
	 *
	 * @param usd the limit in US dollars, by the prices
	 * @param tokens the limit in tokens, input plus output
	 * @param period one of {@link #PERIODS}
	 * @param warnAt the share (0 to 1] past which answers carry a warning
	 */
	public record Budget(@Nullable BigDecimal usd, @Nullable Long tokens, String period, @Nullable Double warnAt) {
	}

	/**
	 * A value that cannot work.
	 *
	 * @param field within the block, as configuration names it: {@code requests-per-minute}, {@code budget.period}
	 * @param message what is wrong, starting with the field's name
	 */
	public record Problem(String field, String message) {
	}

	/**
	 * A JSON block that is not of the block's shape; {@link #field()} names the field within it ({@code budget.usd}),
	 * empty for the block itself, and the message says what it must be ("must be a whole number.").
	 */
	public static final class Invalid extends RuntimeException {

		private final String field;

		Invalid(String field, String message) {
			super(message, null, false, false);
			this.field = field;
		}

		public String field() {
			return this.field;
		}

	}

}
