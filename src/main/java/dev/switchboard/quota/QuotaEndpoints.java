package dev.switchboard.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.support.GatewayException;

/**
 * {@code GET /actuator/usage} and {@code GET /actuator/quotas} (admin key; {@code auth/ActuatorKeyFilter} checks it).
 * They are functional endpoints under the actuator's path rather than {@code @Endpoint}s because the usage query's
 * parameter is {@code group-by}, which an actuator operation's Java parameter cannot be named.
 * <ul>
 * <li>usage: {@code ?key=&route=&model=&from=&to=&group-by=day|key|model}; {@code from} and {@code to} are UTC days
 * ({@code 2026-12-01}, inclusive; default the last 30 days, at most 400); {@code model} matches
 * {@code provider/model} or the model alone. Rows of requests, cached requests, tokens by kind and USD.</li>
 * <li>quotas: each configured limit with its maximum, used and remaining now (and reset), from the store.</li>
 * </ul>
 */
final class QuotaEndpoints {

	private static final int MAX_DAYS = 400;

	private static final List<String> METRICS = List.of("requests", "cached_requests", "estimated_requests",
			"input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens", "micro_usd");

	private final QuotaStore store;

	private final RuntimeConfigHolder configs;

	QuotaEndpoints(QuotaStore store, RuntimeConfigHolder configs) {
		this.store = store;
		this.configs = configs;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET("/actuator/usage", this::usage)
			.GET("/actuator/quotas", this::quotas)
			.build();
	}

	private Mono<ServerResponse> usage(ServerRequest request) {
		LocalDate to;
		LocalDate from;
		try {
			to = request.queryParam("to").map(LocalDate::parse).orElse(LocalDate.now(ZoneOffset.UTC));
			from = request.queryParam("from").map(LocalDate::parse).orElse(to.minusDays(29));
		}
		catch (DateTimeParseException ex) {
			return bad("from and to are UTC days, as 2026-12-01");
		}
		if (from.isAfter(to) || from.plusDays(MAX_DAYS).isBefore(to)) {
			return bad("from must not be after to, and at most " + MAX_DAYS + " days before it");
		}
		String groupBy = request.queryParam("group-by").orElse("day");
		if (!List.of("day", "key", "model").contains(groupBy)) {
			return bad("group-by is day, key or model");
		}
		String key = request.queryParam("key").orElse(null);
		String route = request.queryParam("route").orElse(null);
		String model = request.queryParam("model").orElse(null);
		List<String> days = new ArrayList<>();
		for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
			days.add(day.toString());
		}
		return this.store.usage(days).flatMap(hashes -> {
			Map<String, long[]> rows = new TreeMap<>();
			hashes.forEach((day, fields) -> fields.forEach((field, amount) -> {
				String[] parts = field.split(String.valueOf(QuotaKeys.SEPARATOR), 4);
				if (parts.length < 4 || !matches(key, parts[1]) || !matches(route, parts[2]) || !modelMatches(model, parts[3])) {
					return;
				}
				int metric = METRICS.indexOf(parts[0]);
				if (metric < 0) {
					return;
				}
				String group = switch (groupBy) {
					case "key" -> parts[1];
					case "model" -> parts[3];
					default -> day;
				};
				rows.computeIfAbsent(group, g -> new long[METRICS.size()])[metric] += amount;
			}));
			List<Map<String, Object>> out = new ArrayList<>();
			rows.forEach((group, totals) -> {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put(groupBy, group);
				row.put("requests", totals[0]);
				row.put("cachedRequests", totals[1]);
				row.put("estimatedRequests", totals[2]);
				Map<String, Object> tokens = new LinkedHashMap<>();
				tokens.put("input", totals[3]);
				tokens.put("output", totals[4]);
				tokens.put("cachedInput", totals[5]);
				tokens.put("reasoning", totals[6]);
				row.put("tokens", tokens);
				row.put("usd", BigDecimal.valueOf(totals[7], 6));
				out.add(row);
			});
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("from", from.toString());
			answer.put("to", to.toString());
			answer.put("groupBy", groupBy);
			answer.put("rows", out);
			return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(answer);
		}).onErrorResume(GatewayException.class, ex -> ServerResponse.status(ex.code().status())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("error", ex.getMessage())));
	}

	private Mono<ServerResponse> quotas(ServerRequest request) {
		List<Limit> limits = this.configs.current().quotas().all();
		Instant now = Instant.now();
		List<Check> checks = new ArrayList<>();
		for (Limit limit : limits) {
			checks.addAll(Check.of(limit, 0, 0, 0, now));
		}
		Mono<Decision> peek = checks.isEmpty() ? Mono.just(new Decision(true, -1, 0, now.toEpochMilli(), new long[0],
				new long[0], false)) : this.store.peek(checks);
		return peek.flatMap(decision -> {
			List<Map<String, Object>> rows = new ArrayList<>();
			for (int i = 0; i < checks.size(); i++) {
				Check check = checks.get(i);
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("scope", check.limitOf().scope().id());
				row.put("name", check.limitOf().name());
				row.put("limit", check.metric().property());
				long used = decision.used()[i];
				Limit.Budget budget = check.limitOf().budget();
				if (check.kind() == Check.Kind.BUDGET && budget != null) {
					row.put("period", budget.period().id());
					row.put("periodId", budget.period().id(now));
					row.put("unit", budget.inUsd() ? "usd" : "tokens");
					row.put("max", budget.inUsd() ? BigDecimal.valueOf(check.limit(), 6) : check.limit());
					row.put("used", budget.inUsd() ? BigDecimal.valueOf(used, 6) : used);
					row.put("remaining", budget.inUsd() ? BigDecimal.valueOf(Math.max(0, check.limit() - used), 6)
							: Math.max(0, check.limit() - used));
					Instant end = budget.period().end(now);
					if (end != null) {
						row.put("resetsAt", end.toString());
					}
				}
				else {
					row.put("max", check.limit());
					row.put("used", used);
					row.put("remaining", Math.max(0, check.limit() - used));
					if (check.kind() == Check.Kind.RATE) {
						row.put("resetSeconds", (decision.resetMillis()[i] + 999) / 1000);
					}
				}
				rows.add(row);
			}
			return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("limits", rows));
		}).onErrorResume(GatewayException.class, ex -> ServerResponse.status(ex.code().status())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("error", ex.getMessage())));
	}

	private static boolean matches(@Nullable String wanted, String value) {
		return wanted == null || wanted.equals(value);
	}

	private static boolean modelMatches(@Nullable String wanted, String providerModel) {
		return wanted == null || wanted.equals(providerModel) || providerModel.endsWith("/" + wanted);
	}

	private static Mono<ServerResponse> bad(String message) {
		return ServerResponse.status(HttpStatus.BAD_REQUEST)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("error", message));
	}

}
