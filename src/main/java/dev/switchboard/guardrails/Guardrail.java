package dev.switchboard.guardrails;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One compiled guardrail: its rules (or its webhook), what a match does, and which sides it checks.
 *
 * @param name the configured name, in routes, keys, errors, meters and logs
 * @param type secrets, pii, regex, keywords or webhook
 * @param action what a match does (a webhook's answer decides for itself)
 * @param directions the sides it checks
 * @param global whether it applies to every AI request
 * @param rules what it detects; empty for a webhook
 * @param webhook the policy endpoint of a {@code webhook} guardrail, else {@code null}
 */
public record Guardrail(String name, String type, GuardrailAction action, Set<Direction> directions, boolean global,
		List<Rule> rules, @Nullable Webhook webhook) {

	/** Whether it checks {@code direction}. */
	public boolean checks(Direction direction) {
		return this.directions.contains(direction);
	}

	/**
	 * A webhook guardrail's endpoint.
	 * @param url where the texts are POSTed
	 * @param timeout how long its answer may take
	 * @param failClosed whether a timeout or a non-2xx answer blocks ({@code on-error: block}) rather than allows
	 */
	public record Webhook(URI url, Duration timeout, boolean failClosed) {
	}

}
