package dev.switchboard.guardrails;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.switchboard.config.SwitchboardProperties;

/**
 * Checks {@code switchboard.guardrails} and the {@code guardrails:} lists of routes and keys, and compiles them into
 * {@link Guardrails}. Every problem is added to the configuration's list (start-up fails, a reload is rejected).
 */
public final class GuardrailsCompiler {

	private static final List<String> TYPES = List.of("secrets", "pii", "regex", "keywords", "webhook");

	private GuardrailsCompiler() {
	}

	/** Compiles the guardrails of {@code properties}, adding what is wrong to {@code problems}. */
	public static Guardrails compile(SwitchboardProperties properties, List<String> problems) {
		Map<String, GuardrailProperties> settings = properties.getGuardrails();
		if (settings.isEmpty() && properties.getRoutes().stream().allMatch(r -> r.getGuardrails().isEmpty())
				&& properties.getAuth().getKeys().stream().allMatch(k -> k.getGuardrails().isEmpty())) {
			return Guardrails.NONE;
		}
		Map<String, Guardrail> byName = new LinkedHashMap<>();
		List<Guardrail> global = new ArrayList<>();
		settings.forEach((name, g) -> {
			Guardrail guardrail = guardrail("switchboard.guardrails." + name, name, g, problems);
			if (guardrail != null) {
				byName.put(name, guardrail);
				if (guardrail.global()) {
					global.add(guardrail);
				}
			}
		});
		Map<String, List<Guardrail>> byRoute = new LinkedHashMap<>();
		List<SwitchboardProperties.Route> routes = properties.getRoutes();
		for (int i = 0; i < routes.size(); i++) {
			SwitchboardProperties.Route route = routes.get(i);
			List<Guardrail> named = named("switchboard.routes[" + i + "].guardrails", route.getGuardrails(), settings,
					byName, problems);
			if (!named.isEmpty() && route.getModel() != null) {
				byRoute.put(route.getModel(), named);
			}
		}
		Map<String, List<Guardrail>> byKey = new LinkedHashMap<>();
		List<SwitchboardProperties.Key> keys = properties.getAuth().getKeys();
		for (int i = 0; i < keys.size(); i++) {
			SwitchboardProperties.Key key = keys.get(i);
			List<Guardrail> named = named("switchboard.auth.keys[" + i + "].guardrails", key.getGuardrails(), settings,
					byName, problems);
			String name = (key.getName() == null || key.getName().isBlank()) ? "key-" + i : key.getName();
			if (!named.isEmpty()) {
				byKey.put(name, named);
			}
		}
		return new Guardrails(byName, global, byRoute, byKey);
	}

	private static List<Guardrail> named(String where, List<String> names, Map<String, GuardrailProperties> settings,
			Map<String, Guardrail> byName, List<String> problems) {
		List<Guardrail> named = new ArrayList<>();
		for (String name : names) {
			Guardrail guardrail = byName.get(name);
			if (guardrail != null) {
				named.add(guardrail);
			}
			else if (!settings.containsKey(name)) {
				problems.add(where + ": unknown guardrail '" + name + "' (configured: "
						+ (settings.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(settings.keySet()))) + ")");
			}
		}
		return named;
	}

	private static @Nullable Guardrail guardrail(String where, String name, GuardrailProperties g,
			List<String> problems) {
		int before = problems.size();
		String type = (g.getType() != null) ? g.getType().trim().toLowerCase(Locale.ROOT) : null;
		if (type == null || !TYPES.contains(type)) {
			problems.add(where + ".type: " + ((type == null) ? "is required" : "unknown type '" + g.getType() + "'")
					+ " (one of " + String.join(", ", TYPES) + ")");
		}
		GuardrailAction action = (g.getAction() == null) ? GuardrailAction.REDACT : GuardrailAction.of(g.getAction());
		if (action == null) {
			problems.add(where + ".action: unknown action '" + g.getAction() + "' (one of redact, mask, block, log)");
		}
		Set<Direction> directions = EnumSet.noneOf(Direction.class);
		for (String d : g.getDirections()) {
			Direction direction = Direction.of(d);
			if (direction == null) {
				problems.add(where + ".directions: unknown direction '" + d + "' (request, response)");
			}
			else {
				directions.add(direction);
			}
		}
		if (g.getDirections().isEmpty()) {
			problems.add(where + ".directions: name at least one of request, response");
		}
		List<Rule> rules = new ArrayList<>();
		Guardrail.Webhook webhook = null;
		if (type != null) {
			switch (type) {
				case "secrets" -> {
					rules.addAll(SecretCatalog.rules());
					GuardrailProperties.Entropy entropy = g.getEntropy();
					if (entropy.isEnabled()) {
						if (entropy.getMinLength() < 8 || entropy.getMinLength() > EntropyRule.MAX_LENGTH) {
							problems.add(where + ".entropy.min-length must be between 8 and " + EntropyRule.MAX_LENGTH);
						}
						if (entropy.getThreshold() <= 0 || entropy.getThreshold() > 8) {
							problems.add(where + ".entropy.threshold must be above 0 and at most 8 (bits per character)");
						}
						rules.add(new EntropyRule(entropy.getMinLength(), entropy.getThreshold()));
					}
				}
				case "pii" -> {
					List<String> entities = (g.getEntities() != null) ? g.getEntities()
							: List.copyOf(PiiCatalog.ENTITIES.keySet());
					if (entities.isEmpty()) {
						problems.add(where + ".entities: name at least one (" + String.join(", ", PiiCatalog.ENTITIES.keySet()) + ")");
					}
					for (String entity : entities) {
						List<Rule> entityRules = PiiCatalog.ENTITIES.get(entity.trim().toLowerCase(Locale.ROOT));
						if (entityRules == null) {
							problems.add(where + ".entities: unknown entity '" + entity + "' (one of "
									+ String.join(", ", PiiCatalog.ENTITIES.keySet()) + ")");
						}
						else {
							rules.addAll(entityRules);
						}
					}
				}
				case "regex" -> {
					if (g.getPatterns().isEmpty()) {
						problems.add(where + ".patterns: a regex guardrail needs at least one rule name -> pattern");
					}
					g.getPatterns().forEach((rule, pattern) -> {
						if (!rule.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
							problems.add(where + ".patterns: rule name '" + rule
									+ "' must be letters, digits, '.', '_' and '-'");
						}
						else if (pattern == null || pattern.isEmpty()) {
							problems.add(where + ".patterns." + rule + ": the pattern is empty");
						}
						else {
							try {
								rules.add(new PatternRule(rule, pattern, null));
							}
							catch (IllegalArgumentException ex) {
								problems.add(where + ".patterns." + rule + ": the pattern does not compile: " + ex.getMessage());
							}
						}
					});
				}
				case "keywords" -> {
					List<String> words = g.getWords().stream().filter(w -> w != null && !w.isBlank()).toList();
					if (words.isEmpty()) {
						problems.add(where + ".words: a keywords guardrail needs at least one word");
					}
					else {
						rules.add(KeywordRule.of(words));
					}
				}
				case "webhook" -> webhook = webhook(where, g, problems);
				default -> {
				}
			}
		}
		if (problems.size() > before || type == null || action == null) {
			return null;
		}
		return new Guardrail(name, type, action, Set.copyOf(directions), g.isGlobal(), List.copyOf(rules), webhook);
	}

	private static Guardrail.@Nullable Webhook webhook(String where, GuardrailProperties g, List<String> problems) {
		boolean failClosed = false;
		String onError = (g.getOnError() == null) ? "allow" : g.getOnError().trim().toLowerCase(Locale.ROOT);
		if (onError.equals("block")) {
			failClosed = true;
		}
		else if (!onError.equals("allow")) {
			problems.add(where + ".on-error: unknown value '" + g.getOnError() + "' (allow, block)");
		}
		if (g.getTimeout() == null || g.getTimeout().isNegative() || g.getTimeout().isZero()) {
			problems.add(where + ".timeout must be positive");
		}
		String url = g.getUrl();
		if (url == null || url.isBlank()) {
			problems.add(where + ".url: a webhook guardrail needs the url its texts are POSTed to");
			return null;
		}
		if (url.contains("${")) {
			return null; // reported as a missing variable
		}
		try {
			URI uri = new URI(url.trim());
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
				problems.add(where + ".url: '" + url + "' is not an absolute http(s) URL");
				return null;
			}
			return new Guardrail.Webhook(uri, g.getTimeout(), failClosed);
		}
		catch (URISyntaxException ex) {
			problems.add(where + ".url: '" + url + "' is not a valid URL (" + ex.getReason() + ")");
			return null;
		}
	}

}
