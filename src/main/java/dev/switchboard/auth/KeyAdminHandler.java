package dev.switchboard.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.state.StateUnavailableException;
import dev.switchboard.support.ErrorBodies;
import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayException;
import dev.switchboard.support.KeySpend;
import dev.switchboard.support.LimitsSpec;

/**
 * The admin API of gateway keys, {@code /admin/keys}: issue, list, read, change, rotate and revoke. Answered only to a
 * key with role {@code admin}; JSON in and out; errors in the OpenAI shape ({@code {"error":{...}}}) with the field
 * at fault in {@code param}. Every call, refused ones too, is audited ({@link KeyAudit}).
 * <p>
 * Keys from {@code switchboard.auth.keys} are listed and readable here but cannot be changed ({@code 409
 * key_from_config}); names are unique across both kinds ({@code 409 key_exists}). A new or rotated key is in the
 * answer to that one call and nowhere else: only its SHA-256 is stored.
 * <p>
 * Every change is checked whole before anything is written, so a refused change leaves the record as it was; the
 * store is written before the index of this replica, so a key is never usable here while the store refused it.
 */
public final class KeyAdminHandler {

	static final String BASE = "/admin/keys";

	private static final int MAX_BODY_BYTES = 64 * 1024;

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private final RuntimeConfigHolder configs;

	private final Callers callers;

	private final ApiKeys apiKeys;

	private final LastUsed lastUsed;

	private final KeyAudit audit;

	private final KeySpend spend;

	/** @param spend where the records' {@code spend} is read: the quota capability's counters */
	public KeyAdminHandler(RuntimeConfigHolder configs, Callers callers, ApiKeys apiKeys, LastUsed lastUsed,
			KeyAudit audit, KeySpend spend) {
		this.configs = configs;
		this.callers = callers;
		this.apiKeys = apiKeys;
		this.lastUsed = lastUsed;
		this.audit = audit;
		this.spend = spend;
	}

	public RouterFunction<ServerResponse> routes() {
		// @formatter:off
		return RouterFunctions.route()
			.POST(BASE, request -> call(request, "key.create", null, (config, subject) -> create(request, config, subject)))
			.GET(BASE, request -> call(request, "key.list", null, (config, subject) -> list(config)))
			.GET(BASE + "/{name}", request -> call(request, "key.get", name(request), (config, subject) -> get(name(request), config)))
			.PATCH(BASE + "/{name}", request -> call(request, "key.update", name(request), (config, subject) -> patch(request, name(request), config)))
			.POST(BASE + "/{name}/rotate", request -> call(request, "key.rotate", name(request), (config, subject) -> rotate(request, name(request), config)))
			.DELETE(BASE + "/{name}", request -> call(request, "key.revoke", name(request), (config, subject) -> delete(name(request), config)))
			.route(request -> request.path().equals("/admin") || request.path().startsWith("/admin/"),
					request -> call(request, "unknown", null, (config, subject) -> Mono.error(new GatewayException(ErrorCode.UNKNOWN_URL,
							"Unknown admin URL: " + request.method() + " " + request.path()))))
			.build();
		// @formatter:on
	}

	private interface Operation {

		/** @param subject the key name the audit records, settable by an operation that reads it from the body */
		Mono<ServerResponse> run(RuntimeConfig config, String[] subject);

	}

	/** Authenticates an admin, runs the operation, renders any refusal in the OpenAI shape, and audits the call. */
	private Mono<ServerResponse> call(ServerRequest request, String action, @Nullable String keyName, Operation operation) {
		String[] actor = new String[1];
		String[] outcome = { "ok" };
		String[] subject = { keyName };
		return Mono.defer(() -> {
			RuntimeConfig config = this.configs.current();
			GatewayKey caller = this.callers.authenticate(request.exchange().getRequest(), config).key();
			actor[0] = caller.name();
			if (!caller.admin()) {
				throw new GatewayException(ErrorCode.PERMISSION_DENIED,
						"The admin API needs a gateway key with role admin; this key's role is " + caller.role().wireName() + ".");
			}
			return operation.run(config, subject);
		})
			.onErrorMap(error -> error instanceof KeyStoreException || error instanceof StateUnavailableException,
					error -> new GatewayException(ErrorCode.STATE_UNAVAILABLE,
					"The key store could not be written or read; nothing was changed."))
			.onErrorResume(GatewayException.class, error -> {
				outcome[0] = error.code().code();
				return errorResponse(error);
			})
			.doOnNext(response -> this.audit.record(actor[0], action, loggable(subject[0]), response.statusCode().value(),
					outcome[0]));
	}

	private Mono<ServerResponse> create(ServerRequest request, RuntimeConfig config, String[] subject) {
		return body(request).switchIfEmpty(Mono.error(() -> invalid(null, "The request body must be a JSON object.")))
			.flatMap(body -> {
			JsonNode nameNode = body.get("name");
			if (nameNode == null || !nameNode.isString()) {
				throw invalid("name", "A key needs a 'name': 1 to 64 of A-Z a-z 0-9 . _ -");
			}
			String name = checkedName(nameNode.asString());
			subject[0] = name;
			ObjectNode fields = body.deepCopy();
			fields.remove("name");
			KeySpec spec = spec(KeySpec.DEFAULT, fields, config);
			if (config.keys().record(name) != null || this.apiKeys.index().record(name) != null) {
				throw taken(name);
			}
			return KeyGenerator.next().flatMap(key -> {
				Instant now = Instant.now();
				KeyRecord record = new KeyRecord(name, hex(key), key.substring(key.length() - 4), spec, KeyRecord.API,
						now, now, null, null);
				return this.apiKeys.store().create(record).flatMap(created -> {
					if (!created) {
						return Mono.error(taken(name));
					}
					this.apiKeys.index().put(record);
					return withKey(key, record).flatMap(out -> json(HttpStatus.CREATED, out));
				});
			});
		});
	}

	/**
	 * Thousands of records are milliseconds of JSON: written on a parallel worker, not on the event loop, after one
	 * batched read of the spend of every key with a budget.
	 */
	private Mono<ServerResponse> list(RuntimeConfig config) {
		List<KeyRecord> records = new ArrayList<>(config.keys().records());
		records.addAll(this.apiKeys.records());
		return spend(records).publishOn(Schedulers.parallel()).map(spends -> {
			ObjectNode out = MAPPER.createObjectNode();
			ArrayNode data = out.putArray("data");
			records.forEach(record -> data.add(record.toView(this.lastUsed.of(record.name()), spends.get(record.name()))));
			return MAPPER.writeValueAsBytes(out);
		}).flatMap(bytes -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(bytes));
	}

	private Mono<ServerResponse> get(String name, RuntimeConfig config) {
		return view(existing(name, config)).flatMap(out -> json(HttpStatus.OK, out));
	}

	private Mono<ServerResponse> patch(ServerRequest request, String name, RuntimeConfig config) {
		KeyRecord before = changeable(name, config);
		return body(request).defaultIfEmpty(MAPPER.createObjectNode()).flatMap(body -> {
			JsonNode renamed = body.remove("name");
			if (renamed != null && !(renamed.isString() && renamed.asString().equals(name))) {
				throw invalid("name", "A key's name cannot be changed; issue a new key instead.");
			}
			KeyRecord after = before.withSpec(spec(before.spec(), body, config), Instant.now());
			return this.apiKeys.store().update(after).then(Mono.defer(() -> {
				this.apiKeys.index().put(after);
				return view(after);
			})).flatMap(out -> json(HttpStatus.OK, out));
		});
	}

	private Mono<ServerResponse> rotate(ServerRequest request, String name, RuntimeConfig config) {
		KeyRecord before = changeable(name, config);
		return body(request).defaultIfEmpty(MAPPER.createObjectNode()).flatMap(body -> {
			Duration grace = Duration.ZERO;
			for (var field : body.properties()) {
				if (!field.getKey().equals("grace")) {
					throw invalid(field.getKey(), "Unknown field '" + field.getKey() + "'; rotate takes only 'grace'.");
				}
				grace = grace(field.getValue());
			}
			Duration graceTime = grace;
			return KeyGenerator.next().flatMap(key -> {
				Instant now = Instant.now();
				boolean keepOld = !graceTime.isZero();
				KeyRecord after = new KeyRecord(name, hex(key), key.substring(key.length() - 4), before.spec(),
						KeyRecord.API, before.createdAt(), now, keepOld ? before.sha256() : null,
						keepOld ? now.plus(graceTime) : null);
				return this.apiKeys.store().update(after).then(Mono.defer(() -> {
					this.apiKeys.index().put(after);
					return withKey(key, after);
				})).flatMap(out -> json(HttpStatus.OK, out));
			});
		});
	}

	private Mono<ServerResponse> delete(String name, RuntimeConfig config) {
		KeyRecord before = changeable(name, config);
		return this.apiKeys.store().delete(name).flatMap(deleted -> {
			this.apiKeys.index().remove(name);
			this.lastUsed.forget(name);
			if (!deleted) {
				return Mono.error(notFound(name));
			}
			ObjectNode out = MAPPER.createObjectNode().put("name", name).put("id", before.id()).put("deleted", true);
			return json(HttpStatus.OK, out);
		});
	}

	/** The record of {@code name}, configured or API. */
	private KeyRecord existing(String name, RuntimeConfig config) {
		KeyRecord record = config.keys().record(name);
		if (record == null) {
			record = this.apiKeys.index().record(name);
		}
		if (record == null) {
			throw notFound(name);
		}
		return record;
	}

	/**
	 * The API key record of {@code name}: a configured key cannot be changed here. An API key whose name a reload later
	 * gave to a configured key too is still the one changed (and can be revoked).
	 */
	private KeyRecord changeable(String name, RuntimeConfig config) {
		KeyRecord api = this.apiKeys.index().record(name);
		if (api != null) {
			return api;
		}
		KeyRecord record = existing(name, config);
		if (record.fromConfig()) {
			throw new GatewayException(ErrorCode.KEY_FROM_CONFIG, "The key '" + name
					+ "' comes from switchboard.auth.keys and is changed there, not through the admin API.");
		}
		return record;
	}

	/** The record as the API shows it, with its spend. */
	private Mono<ObjectNode> view(KeyRecord record) {
		return spend(List.of(record))
			.map(spends -> record.toView(this.lastUsed.of(record.name()), spends.get(record.name())));
	}

	/** A new or rotated key and its record: the one answer that carries the key. */
	private Mono<ObjectNode> withKey(String key, KeyRecord record) {
		return spend(List.of(record)).map(spends -> {
			ObjectNode out = MAPPER.createObjectNode();
			out.put("key", key);
			out.set("record", record.toView(null, spends.get(record.name())));
			return out;
		});
	}

	/**
	 * This period's spend of the records with a budget, by name, in one read; none asked for when no record has a
	 * budget. A configured and an API key of the same name share the counters of that name, so one read serves both.
	 */
	private Mono<Map<String, KeySpend.Spend>> spend(List<KeyRecord> records) {
		Map<String, LimitsSpec> budgets = new HashMap<>();
		for (KeyRecord record : records) {
			LimitsSpec limits = record.spec().limits();
			if (limits != null && limits.budget() != null) {
				budgets.putIfAbsent(record.name(), limits);
			}
		}
		return budgets.isEmpty() ? Mono.just(Map.of()) : this.spend.of(budgets);
	}

	/** {@code base} changed, checked whole; the guardrails it names must be configured ones. */
	private static KeySpec spec(KeySpec base, ObjectNode changes, RuntimeConfig config) {
		KeySpec next;
		try {
			next = base.with(changes);
		}
		catch (KeyValidationException ex) {
			throw invalid(ex.field(), ex.getMessage());
		}
		List<String> guardrails = next.guardrailNames();
		for (int i = 0; i < guardrails.size(); i++) {
			if (!config.guardrails().knows(guardrails.get(i))) {
				throw invalid("guardrails[" + i + "]", "No guardrail is named '" + guardrails.get(i)
						+ "' (switchboard.guardrails).");
			}
		}
		return next;
	}

	private static Duration grace(JsonNode value) {
		if (value.isNull()) {
			return Duration.ZERO;
		}
		try {
			Duration grace = value.isString() ? DurationStyle.detectAndParse(value.asString()) : null;
			if (grace != null && !grace.isNegative()) {
				return grace;
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw invalid("grace", "'grace' must be a duration such as \"1h\" or \"15m\".");
	}

	/** The request's JSON object, or empty when there is no body; {@code 400 invalid_request} for anything else. */
	private static Mono<ObjectNode> body(ServerRequest request) {
		return DataBufferUtils.join(request.bodyToFlux(org.springframework.core.io.buffer.DataBuffer.class), MAX_BODY_BYTES)
			.onErrorMap(org.springframework.core.io.buffer.DataBufferLimitException.class,
					ex -> invalid(null, "The request body is larger than " + MAX_BODY_BYTES + " bytes."))
			.map(buffer -> {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				DataBufferUtils.release(buffer);
				try {
					JsonNode node = MAPPER.readTree(bytes);
					if (node instanceof ObjectNode object) {
						return object;
					}
				}
				catch (JacksonException ex) {
					throw invalid(null, "The request body is not valid JSON: " + ex.getOriginalMessage());
				}
				throw invalid(null, "The request body must be a JSON object.");
			});
	}

	private static String name(ServerRequest request) {
		return request.pathVariable("name");
	}

	private static String checkedName(String name) {
		if (!KeySpec.NAME.matcher(name).matches()) {
			throw invalid("name", "A key name is 1 to 64 of A-Z a-z 0-9 . _ -");
		}
		if (name.startsWith(KeyGenerator.PREFIX)) {
			throw invalid("name", "A key name must not look like a key (" + KeyGenerator.PREFIX + "...).");
		}
		return name;
	}

	/** A name from the URL as the audit may log it: a name that could be a key is never written out. */
	private static @Nullable String loggable(@Nullable String name) {
		if (name == null) {
			return null;
		}
		return (KeySpec.NAME.matcher(name).matches() && !name.startsWith(KeyGenerator.PREFIX)) ? name : "(invalid)";
	}

	private static String hex(String key) {
		return HexFormat.of().formatHex(KeyRegistry.sha256(key));
	}

	private static GatewayException invalid(@Nullable String field, String message) {
		return new GatewayException(ErrorCode.INVALID_REQUEST, message, field, org.springframework.http.HttpHeaders.EMPTY);
	}

	private static GatewayException taken(String name) {
		return new GatewayException(ErrorCode.KEY_EXISTS, "A key named '" + name + "' exists already.", "name",
				org.springframework.http.HttpHeaders.EMPTY);
	}

	private static GatewayException notFound(String name) {
		return new GatewayException(ErrorCode.KEY_NOT_FOUND, "No key is named '" + loggable(name) + "'.");
	}

	private static Mono<ServerResponse> json(HttpStatus status, JsonNode body) {
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(MAPPER.writeValueAsBytes(body));
	}

	private static Mono<ServerResponse> errorResponse(GatewayException error) {
		byte[] body = ErrorBodies.openAi(error.getMessage(), error.code().type(), error.code().code(), error.param());
		return ServerResponse.status(error.code().status()).contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

}
