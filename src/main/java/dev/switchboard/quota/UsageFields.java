package dev.switchboard.quota;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The usage hash's field names of one key, route and answering model, one per metric: built once per combination
 * instead of eight string concatenations at the end of every request. Bounded, as keys issued through the admin API
 * can be many.
 */
final class UsageFields {

	private static final Cache<Combination, UsageFields> KNOWN = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterAccess(Duration.ofHours(1))
		.build();

	final String requests;

	final String cachedRequests;

	final String inputTokens;

	final String outputTokens;

	final String cachedInputTokens;

	final String reasoningTokens;

	final String microUsd;

	final String estimatedRequests;

	private UsageFields(Combination of) {
		String model = of.provider() + "/" + of.model();
		this.requests = QuotaKeys.usageField("requests", of.key(), of.route(), model);
		this.cachedRequests = QuotaKeys.usageField("cached_requests", of.key(), of.route(), model);
		this.inputTokens = QuotaKeys.usageField("input_tokens", of.key(), of.route(), model);
		this.outputTokens = QuotaKeys.usageField("output_tokens", of.key(), of.route(), model);
		this.cachedInputTokens = QuotaKeys.usageField("cached_input_tokens", of.key(), of.route(), model);
		this.reasoningTokens = QuotaKeys.usageField("reasoning_tokens", of.key(), of.route(), model);
		this.microUsd = QuotaKeys.usageField("micro_usd", of.key(), of.route(), model);
		this.estimatedRequests = QuotaKeys.usageField("estimated_requests", of.key(), of.route(), model);
	}

	static UsageFields of(String key, String route, String provider, String model) {
		return KNOWN.get(new Combination(key, route, provider, model), UsageFields::new);
	}

	private record Combination(String key, String route, String provider, String model) {
	}

}
