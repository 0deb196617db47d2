package dev.switchboard.guardrails;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compiled guardrails of one configuration snapshot: the global ones, and those that routes and keys add. A
 * request gets the global ones, then its route's, then its key's, each once.
 *
 * @param byName every guardrail by name
 * @param global those with {@code global: true}, in configuration order
 * @param byRoute route alias -> the guardrails it names
 * @param byKey key name -> the guardrails it names
 */
public record Guardrails(Map<String, Guardrail> byName, List<Guardrail> global, Map<String, List<Guardrail>> byRoute,
		Map<String, List<Guardrail>> byKey) {

	/** None at all. */
	public static final Guardrails NONE = new Guardrails(Map.of(), List.of(), Map.of(), Map.of());

	public Guardrails {
		byName = Map.copyOf(byName);
		global = List.copyOf(global);
		byRoute = Map.copyOf(byRoute);
		byKey = Map.copyOf(byKey);
	}

	/** Whether no guardrail is configured: the filter steps aside at once. */
	public boolean isEmpty() {
		return this.byName.isEmpty();
	}

	/** The guardrails of a request on {@code route} by {@code key}: global, route, key; each once. */
	List<Guardrail> forRequest(String route, String key) {
		List<Guardrail> forRoute = this.byRoute.getOrDefault(route, List.of());
		List<Guardrail> forKey = this.byKey.getOrDefault(key, List.of());
		if (forRoute.isEmpty() && forKey.isEmpty()) {
			return this.global;
		}
		Set<Guardrail> all = new LinkedHashSet<>(this.global);
		all.addAll(forRoute);
		all.addAll(forKey);
		return new ArrayList<>(all);
	}

}
