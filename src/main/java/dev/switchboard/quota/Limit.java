package dev.switchboard.quota;

import org.jspecify.annotations.Nullable;

/**
 * The compiled {@code limits} of one key, route or provider; {@code 0} (or {@code null}) for what is not limited.
 *
 * @param scope whose limit
 * @param name the key's, route's or provider's name, used in refusals, headers and counters
 * @param requestsPerMinute requests in any sliding minute, or 0
 * @param tokensPerMinute tokens in any sliding minute, or 0
 * @param concurrentRequests requests in flight, or 0
 * @param budget spend per period, or {@code null}
 */
public record Limit(Scope scope, String name, long requestsPerMinute, long tokensPerMinute, long concurrentRequests,
		@Nullable Budget budget) {

	/** How the limit is named to a client: {@code key 'team-a'}. */
	public String describe() {
		return this.scope.id() + " '" + this.name + "'";
	}

	/**
	 * A budget per period: {@code usd} or {@code tokens}.
	 *
	 * @param microUsd the limit in millionths of a dollar, or 0 when the budget is in tokens
	 * @param tokens the limit in tokens, or 0 when the budget is in dollars
	 * @param period its period
	 * @param warnAt share past which answers carry a warning, or 0 for none
	 */
	public record Budget(long microUsd, long tokens, BudgetPeriod period, double warnAt) {

		public boolean inUsd() {
			return this.microUsd > 0;
		}

		/** The limit in its unit: micro-USD or tokens. */
		public long amount() {
			return inUsd() ? this.microUsd : this.tokens;
		}

	}

}
