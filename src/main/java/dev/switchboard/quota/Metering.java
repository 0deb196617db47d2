package dev.switchboard.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.body.JsonRequest;
import dev.switchboard.dispatch.Answer;
import dev.switchboard.dispatch.AnswerHook;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.GatewayHeaders;
import dev.switchboard.support.TokenUsage;

/**
 * One request's usage, cost and limits, from admission to the end of its answer: the checks it must pass (with its
 * reservation: estimated prompt tokens plus its output limit), the usage read from its answer (a JSON body, or a
 * stream's events, the extra usage chunk cut out when the gateway asked for it), the price of the target that
 * answered, and the settling that replaces the reservation with what was used and releases its concurrency lease,
 * whatever the outcome.
 */
final class Metering implements AnswerHook {

	private static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";

	private static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";

	private static final String RESET_REQUESTS = "x-ratelimit-reset-requests";

	private static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";

	private static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";

	private static final String RESET_TOKENS = "x-ratelimit-reset-tokens";

	/** Bodies above this are tokenized off the event loop (16 KB of text: about 0.1 ms of ASCII, 0.75 ms of others). */
	private static final int INLINE_PROMPT_BYTES = 16 * 1024;

	/** Produced text above this is counted at 4 characters to a token rather than tokenized (on the event loop). */
	private static final int INLINE_TEXT_CHARS = 64 * 1024;

	private final QuotaService service;

	private final Quotas quotas;

	private final String key;

	private final RoutePlan plan;

	private final @Nullable String alias;

	private final JsonRequest body;

	private final Endpoint endpoint;

	private final String member;

	private final boolean strip;

	private final List<Limit> limits;

	private final AtomicBoolean finished = new AtomicBoolean();

	private final AtomicBoolean measuredOnce = new AtomicBoolean();

	private volatile @Nullable StreamUsage reader;

	private volatile int promptTokens = -1;

	private volatile List<Check> checks = List.of();

	private volatile @Nullable Decision decision;

	private volatile @Nullable Target answered;

	private volatile @Nullable TokenUsage usage;

	private volatile long costMicros;

	Metering(QuotaService service, Quotas quotas, String key, RoutePlan plan, @Nullable String alias, JsonRequest body,
			Endpoint endpoint, String member, boolean strip, List<Limit> limits) {
		this.service = service;
		this.quotas = quotas;
		this.key = key;
		this.plan = plan;
		this.alias = alias;
		this.body = body;
		this.endpoint = endpoint;
		this.member = member;
		this.strip = strip;
		this.limits = limits;
	}

	boolean limited() {
		return !this.limits.isEmpty();
	}

	/**
	 * Counts the prompt now when it is large (off the event loop, so that the end of the answer never has to), else
	 * leaves it for when it is needed.
	 */
	Mono<Void> prepare() {
		if (this.body.bytes().length <= INLINE_PROMPT_BYTES || this.endpoint.countsTokens()) {
			return Mono.empty();
		}
		return Mono.fromRunnable(this::promptTokens).subscribeOn(Schedulers.parallel()).then();
	}

	/** Checks every limit with this request's reservation; a refusal is a {@link GatewayException}. */
	Mono<Void> admit() {
		long prompt = (this.endpoint.countsTokens()) ? 0 : promptTokens();
		long maxOutput = maxOutput();
		long reservedTokens = prompt + maxOutput;
		Price price = price(firstTarget());
		long reservedMicros = (price != null) ? price.microUsd(prompt, maxOutput) : 0;
		Instant now = Instant.now();
		long lease = this.plan.deadline().toMillis() + 60_000;
		List<Check> built = new ArrayList<>();
		for (Limit limit : this.limits) {
			built.addAll(Check.of(limit, reservedTokens, reservedMicros, lease, now));
		}
		this.checks = List.copyOf(built);
		return this.service.store().admit(this.checks, this.member).flatMap(decision -> {
			this.decision = decision;
			if (decision.degraded()) {
				this.service.metrics().degraded();
			}
			if (decision.admitted()) {
				return Mono.empty();
			}
			Check refused = this.checks.get(decision.refused());
			this.service.metrics().rejection(refused);
			return Mono.error(refusal(refused, decision.retryAfterMillis(), reservedTokens));
		});
	}

	@Override
	public Mono<Answer> onAnswer(ServerWebExchange exchange, Answer answer) {
		this.answered = answer.target();
		if (!answer.eventStream()) {
			TokenUsage reported = answer.usage();
			if (answer.status() >= 300) {
				// providers do not bill refused requests
				reported = reported.known() ? reported : new TokenUsage(0, 0);
			}
			else if (!reported.known()) {
				reported = new TokenUsage(promptTokens(), 0, 0, 0, true);
			}
			measured(exchange, reported);
			// settled before the body is written: a client that has the whole answer and sends again is admitted
			// against counters that hold this request's real usage and no longer its lease
			finish(exchange);
		}
		return Mono.just(answer);
	}

	@Override
	public Flux<ByteBuf> onEvents(ServerWebExchange exchange, Answer answer, Flux<ByteBuf> events) {
		StreamUsage reader = new StreamUsage(this.strip);
		this.reader = reader;
		// whole events in, whole events out; the usage is known when the stream ends, well or not: measured and
		// settled before the end goes on to the writer, so before the client sees the response end (doFinally runs
		// after it, when the client may already be sending its next request)
		Runnable settle = () -> {
			measured(exchange, streamed(reader));
			finish(exchange);
		};
		return events.map(reader::onEvents).doOnTerminate(settle).doOnCancel(settle);
	}

	/** The stream's usage: as reported, or counted for what is missing (a client that left pays what was produced). */
	private TokenUsage streamed(StreamUsage reader) {
		TokenUsage reported = reader.reported();
		if (reported.inputTokens() >= 0 && reported.outputTokens() >= 0) {
			return reported;
		}
		long input = (reported.inputTokens() >= 0) ? reported.inputTokens() : promptTokens();
		long output = reported.outputTokens();
		if (output < 0) {
			String text = reader.text();
			output = ((text.length() <= INLINE_TEXT_CHARS) ? this.service.tokens().count(text, model(answered()))
					: (text.length() + 3) / 4) + reader.overflowTokens();
		}
		return new TokenUsage(input, output, reported.cachedInputTokens(), reported.reasoningTokens(), true);
	}

	/** Prices {@code usage} by the target that answered; puts usage and cost where the access log reads them. */
	private void measured(ServerWebExchange exchange, TokenUsage measured) {
		if (!this.measuredOnce.compareAndSet(false, true)) {
			return;
		}
		Target target = answered();
		Price price = price(target);
		long micros = (price != null) ? price.microUsd(measured) : 0;
		if (price == null && measured.totalTokens() > 0) {
			this.service.metrics().unpriced(target.provider().id(), target.model());
		}
		this.costMicros = micros;
		this.usage = measured;
		exchange.getAttributes().put(GatewayAttributes.USAGE, measured);
		exchange.getAttributes().put(GatewayAttributes.COST_MICRO_USD, micros);
		this.service.metrics().cost(this.key, this.plan.route(), target.provider().id(), target.model(), false, micros);
	}

	/** Sets the headers every answer carries, at the commit. */
	void headers(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		boolean cached = Boolean.TRUE.equals(exchange.getAttribute(GatewayAttributes.CACHE_HIT));
		Long cost = exchange.getAttribute(GatewayAttributes.COST_MICRO_USD);
		MediaType type = headers.getContentType();
		boolean stream = type != null && type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM);
		if (!stream && (cost != null || cached)) {
			headers.set(GatewayHeaders.COST_USD, GatewayHeaders.usd(cached ? 0 : cost));
		}
		Decision admitted = this.decision;
		if (admitted == null || !admitted.admitted() || admitted.degraded()) {
			return;
		}
		rateHeaders(headers, admitted, Check.Metric.REQUESTS, LIMIT_REQUESTS, REMAINING_REQUESTS, RESET_REQUESTS);
		rateHeaders(headers, admitted, Check.Metric.TOKENS, LIMIT_TOKENS, REMAINING_TOKENS, RESET_TOKENS);
		budgetWarning(headers, admitted);
	}

	/** The tightest limit of {@code metric} (least remaining), as OpenAI sends its own. */
	private void rateHeaders(HttpHeaders headers, Decision decision, Check.Metric metric, String limitHeader,
			String remainingHeader, String resetHeader) {
		int tightest = -1;
		long remaining = Long.MAX_VALUE;
		for (int i = 0; i < this.checks.size(); i++) {
			Check check = this.checks.get(i);
			if (check.metric() == metric && check.limit() - decision.used()[i] < remaining) {
				remaining = Math.max(0, check.limit() - decision.used()[i]);
				tightest = i;
			}
		}
		if (tightest >= 0) {
			headers.set(limitHeader, Long.toString(this.checks.get(tightest).limit()));
			headers.set(remainingHeader, Long.toString(remaining));
			headers.set(resetHeader, duration(decision.resetMillis()[tightest]));
		}
	}

	private void budgetWarning(HttpHeaders headers, Decision decision) {
		int worst = -1;
		double share = 0;
		for (int i = 0; i < this.checks.size(); i++) {
			Check check = this.checks.get(i);
			Limit.Budget budget = check.limitOf().budget();
			if (check.kind() == Check.Kind.BUDGET && budget != null && budget.warnAt() > 0) {
				double used = (double) decision.used()[i] / check.limit();
				if (used >= budget.warnAt() && used > share) {
					share = used;
					worst = i;
				}
			}
		}
		if (worst >= 0) {
			Limit limit = this.checks.get(worst).limitOf();
			int percent = (int) Math.min(100, Math.floor(share * 100));
			headers.set(GatewayHeaders.BUDGET_WARNING, limit.name() + " " + percent + "%");
			this.service.budgetWarning(limit, limit.budget(), percent);
		}
	}

	/**
	 * The end of the request, whatever it was: the reservation replaced by what was used, the concurrency lease
	 * released, the usage recorded. A cache hit counts as a request, with no tokens and no spend. Runs once, at the
	 * first of: a JSON answer chosen (before its body is written), a stream's end or cancellation (before the writer
	 * sees it), the end of the filter chain (a refusal upstream, a cache hit, a failed write).
	 */
	void finish(ServerWebExchange exchange) {
		if (!this.finished.compareAndSet(false, true)) {
			return;
		}
		Decision admitted = this.decision;
		if (limited() && (admitted == null || !admitted.admitted())) {
			return; // refused, or never got to the store
		}
		boolean cached = Boolean.TRUE.equals(exchange.getAttribute(GatewayAttributes.CACHE_HIT));
		StreamUsage stream = this.reader;
		if (this.usage == null && stream != null && !cached) {
			// a stream whose end was not seen (the writer failed first): what it produced
			measured(exchange, streamed(stream));
		}
		TokenUsage used = this.usage;
		if (cached) {
			exchange.getAttributes().putIfAbsent(GatewayAttributes.COST_MICRO_USD, 0L);
			Target target = answered();
			this.service.metrics().cost(this.key, this.plan.route(), target.provider().id(), target.model(), true, 0);
		}
		long tokens = (cached || used == null) ? 0 : used.totalTokens();
		long micros = (cached || used == null) ? 0 : this.costMicros;
		List<Op> ops = new ArrayList<>();
		if (admitted != null) {
			for (Check check : this.checks) {
				switch (check.kind()) {
					case RATE -> {
						long delta = (check.metric() == Check.Metric.TOKENS) ? tokens - check.cost() : 0;
						if (delta != 0) {
							ops.add(check.add(delta, admitted.nowMillis()));
						}
					}
					case CONCURRENCY -> ops.add(Op.release(check.key(), this.member));
					case BUDGET -> {
						long actual = check.limitOf().budget().inUsd() ? micros : tokens;
						if (actual != check.cost()) {
							ops.add(check.add(actual - check.cost(), admitted.nowMillis()));
						}
					}
				}
			}
		}
		record(ops, cached, (cached || used == null) ? new TokenUsage(0, 0) : used, micros);
		// a side effect of the request's end, like its meters: nothing waits for it, a client that left included
		this.service.store().apply(ops).subscribe();
	}

	private void record(List<Op> ops, boolean cached, TokenUsage used, long micros) {
		String usageKey = QuotaKeys.usageToday();
		Target target = answered();
		UsageFields fields = UsageFields.of(this.key, this.plan.route(), target.provider().id(), target.model());
		ops.add(Op.record(usageKey, fields.requests, 1));
		if (cached) {
			ops.add(Op.record(usageKey, fields.cachedRequests, 1));
			return;
		}
		add(ops, usageKey, fields.inputTokens, Math.max(0, used.inputTokens()));
		add(ops, usageKey, fields.outputTokens, Math.max(0, used.outputTokens()));
		add(ops, usageKey, fields.cachedInputTokens, used.cachedInputTokens());
		add(ops, usageKey, fields.reasoningTokens, used.reasoningTokens());
		add(ops, usageKey, fields.microUsd, micros);
		if (used.estimated()) {
			add(ops, usageKey, fields.estimatedRequests, 1);
		}
	}

	private static void add(List<Op> ops, String usageKey, String field, long amount) {
		if (amount != 0) {
			ops.add(Op.record(usageKey, field, amount));
		}
	}

	private GatewayException refusal(Check check, long retryAfterMillis, long reservedTokens) {
		Limit limit = check.limitOf();
		HttpHeaders headers = new HttpHeaders();
		long seconds = Math.max(1, (retryAfterMillis + 999) / 1000);
		return switch (check.metric()) {
			case REQUESTS -> {
				headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
				yield new GatewayException(ErrorCode.RATE_LIMIT_EXCEEDED, "Rate limit exceeded: " + limit.describe()
						+ " allows " + limit.requestsPerMinute() + " requests per minute. Retry after " + seconds + " s.",
						null, headers);
			}
			case TOKENS -> {
				headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
				yield new GatewayException(ErrorCode.RATE_LIMIT_EXCEEDED, "Rate limit exceeded: " + limit.describe()
						+ " allows " + limit.tokensPerMinute() + " tokens per minute; this request reserves "
						+ reservedTokens + " (its prompt and its output limit). Retry after " + seconds + " s.", null,
						headers);
			}
			case CONCURRENT -> {
				headers.set(HttpHeaders.RETRY_AFTER, "1");
				yield new GatewayException(ErrorCode.CONCURRENCY_LIMIT_EXCEEDED, "Concurrency limit exceeded: "
						+ limit.describe() + " allows " + limit.concurrentRequests() + " requests in flight.", null,
						headers);
			}
			case BUDGET -> {
				Limit.Budget budget = limit.budget();
				String amount = budget.inUsd() ? "$" + BigDecimal.valueOf(budget.microUsd(), 6).stripTrailingZeros().toPlainString()
						: budget.tokens() + " tokens";
				String period;
				if (budget.period() == BudgetPeriod.TOTAL) {
					period = " in total (it does not reset)";
				}
				else {
					headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
					period = " for this " + budget.period().id() + " (it resets at " + budget.period().end(Instant.now()) + ")";
				}
				yield new GatewayException(ErrorCode.BUDGET_EXCEEDED, "Budget exceeded: " + limit.describe()
						+ " has a budget of " + amount + period + ", and this request would go past it.", null, headers);
			}
		};
	}

	/** A duration as OpenAI writes its reset headers: {@code 250ms}, {@code 12s}, {@code 1m30s}. */
	static String duration(long millis) {
		if (millis < 1000) {
			return millis + "ms";
		}
		long seconds = (millis + 999) / 1000;
		return (seconds < 60) ? seconds + "s" : (seconds / 60) + "m" + (seconds % 60) + "s";
	}

	private int promptTokens() {
		int counted = this.promptTokens;
		if (counted < 0) {
			counted = this.service.tokens().prompt(this.body.bytes(), model(firstTarget()));
			this.promptTokens = counted;
		}
		return counted;
	}

	private long maxOutput() {
		if (this.endpoint == Endpoint.EMBEDDINGS || this.endpoint.countsTokens()) {
			return 0;
		}
		long named = TokenCounter.maxOutputTokens(this.body.bytes());
		return (named >= 0) ? named : this.quotas.defaultMaxTokens(this.alias);
	}

	private @Nullable Price price(Target target) {
		return this.quotas.prices().of(this.alias, target.provider().id(), target.model());
	}

	private Target answered() {
		Target target = this.answered;
		return (target != null) ? target : firstTarget();
	}

	private Target firstTarget() {
		return this.plan.targets().get(0);
	}

	private static String model(Target target) {
		return target.model();
	}

}
