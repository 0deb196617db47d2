package dev.switchboard.quota;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

import dev.switchboard.support.LimitsSpec;

/**
 * A {@code limits} block, the same on {@code switchboard.auth.keys[]}, {@code switchboard.routes[]} and
 * {@code switchboard.providers.*}, and on API keys: what is unset does not limit. Checked by {@link Quotas#compile}
 * with the rules of {@link LimitsSpec#problems()}: zero or negative values, an unknown period and a budget with
 * neither {@code usd} nor {@code tokens} are configuration errors.
 */
public class LimitsProperties {

	/** Requests admitted in any sliding minute. */
	private @Nullable Long requestsPerMinute;

	/** Tokens (input plus output; reserved at admission, the real count when the answer ends) in any sliding minute. */
	private @Nullable Long tokensPerMinute;

	/** Requests in flight at once (a stream until its last byte). */
	private @Nullable Long concurrentRequests;

	/** Spend per period. */
	private @Nullable BudgetProperties budget;

	public @Nullable Long getRequestsPerMinute() {
		return this.requestsPerMinute;
	}

	public void setRequestsPerMinute(@Nullable Long requestsPerMinute) {
		this.requestsPerMinute = requestsPerMinute;
	}

	public @Nullable Long getTokensPerMinute() {
		return this.tokensPerMinute;
	}

	public void setTokensPerMinute(@Nullable Long tokensPerMinute) {
		this.tokensPerMinute = tokensPerMinute;
	}

	public @Nullable Long getConcurrentRequests() {
		return this.concurrentRequests;
	}

	public void setConcurrentRequests(@Nullable Long concurrentRequests) {
		this.concurrentRequests = concurrentRequests;
	}

	public @Nullable BudgetProperties getBudget() {
		return this.budget;
	}

	public void setBudget(@Nullable BudgetProperties budget) {
		this.budget = budget;
	}

	/** The block in the neutral form that keys carry and {@link Quotas#limit} compiles; checked by neither. */
	public LimitsSpec toSpec() {
		BudgetProperties b = this.budget;
		LimitsSpec.Budget budget = (b != null) ? new LimitsSpec.Budget(
				(b.getUsd() != null) ? BigDecimal.valueOf(b.getUsd()) : null, b.getTokens(),
				(b.getPeriod() != null) ? b.getPeriod() : LimitsSpec.DEFAULT_PERIOD, b.getWarnAt()) : null;
		return new LimitsSpec(this.requestsPerMinute, this.tokensPerMinute, this.concurrentRequests, budget);
	}

	/** {@code budget: { usd: 50, period: month, warn-at: 0.8 }} or {@code { tokens: 1000000, ... }}. */
	public static class BudgetProperties {

		/** Spend limit in US dollars per period (priced by switchboard.prices and the built-in table). */
		private @Nullable Double usd;

		/** Token limit (input plus output) per period. */
		private @Nullable Long tokens;

		/** day, week (ISO, from Monday), month or total (never resets); periods are aligned to UTC. */
		private String period = "month";

		/** Share of the budget (0 to 1) past which answers carry x-switchboard-budget-warning; unset for none. */
		private @Nullable Double warnAt;

		public @Nullable Double getUsd() {
			return this.usd;
		}

		public void setUsd(@Nullable Double usd) {
			this.usd = usd;
		}

		public @Nullable Long getTokens() {
			return this.tokens;
		}

		public void setTokens(@Nullable Long tokens) {
			this.tokens = tokens;
		}

		public String getPeriod() {
			return this.period;
		}

		public void setPeriod(String period) {
			this.period = period;
		}

		public @Nullable Double getWarnAt() {
			return this.warnAt;
		}

		public void setWarnAt(@Nullable Double warnAt) {
			this.warnAt = warnAt;
		}

	}

}
