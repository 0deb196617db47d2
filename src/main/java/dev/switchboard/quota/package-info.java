/**
 * Usage, cost, rate limits, concurrency and budgets: the quota slot's {@link dev.switchboard.quota.QuotaFilter}
 * admits a request only when every limit that applies (its key's, configured or issued through the admin API, as the
 * caller's key carries them; its route's; its provider's) has room for its reservation, counted atomically in the
 * {@link dev.switchboard.quota.QuotaStore} (this process, or Redis through {@code dev.switchboard.state});
 * {@link dev.switchboard.quota.Metering} reads the answer's usage, prices it, and settles the reservation when the
 * answer ends; {@code BudgetSpend} tells the admin API's key records what each budget spent. docs/quotas.md has the
 * semantics.
 */
@NullMarked
package dev.switchboard.quota;

import org.jspecify.annotations.NullMarked;
