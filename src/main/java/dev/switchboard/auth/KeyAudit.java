package dev.switchboard.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of the admin API: every call is one structured event on the {@code dev.switchboard.audit} logger
 * (who called, what, on which key name, the outcome; never a key or a digest) and one count of the
 * {@code switchboard.admin.requests} meter, tagged {@code action} and {@code outcome} (low cardinality: no names).
 */
public final class KeyAudit {

	static final String METER = "switchboard.admin.requests";

	private static final Logger audit = LoggerFactory.getLogger("dev.switchboard.audit");

	private final MeterRegistry registry;

	public KeyAudit(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Records one admin call.
	 * @param actor the caller's key name, or {@code null} when no valid key was presented
	 * @param action {@code key.create}, {@code key.list}, ...
	 * @param keyName the key acted on, or {@code null}
	 * @param outcome {@code ok} or the error code
	 */
	public void record(@Nullable String actor, String action, @Nullable String keyName, int status, String outcome) {
		try {
			audit.atInfo()
				.addKeyValue("event", "admin")
				.addKeyValue("action", action)
				.addKeyValue("actor", (actor != null) ? actor : "-")
				.addKeyValue("key_name", (keyName != null) ? keyName : "-")
				.addKeyValue("status", status)
				.addKeyValue("outcome", outcome)
				.log("admin " + action + " by " + ((actor != null) ? actor : "-") + " on "
						+ ((keyName != null) ? keyName : "-") + ": " + status + " " + outcome);
			Counter.builder(METER)
				.description("Admin API calls")
				.tag("action", action)
				.tag("outcome", outcome)
				.register(this.registry)
				.increment();
		}
		catch (RuntimeException ex) {
			// the audit never fails the call it records
			audit.warn("could not record an admin event", ex);
		}
	}

}
