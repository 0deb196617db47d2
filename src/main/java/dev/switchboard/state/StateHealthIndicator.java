package dev.switchboard.state;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component {@code state} ({@code /actuator/health/state}): DOWN while the Redis store cannot be reached,
 * with since when and why (an exception's class; never the URL, which may carry a password). It is not in the liveness
 * or readiness groups: a replica that cannot reach Redis still serves, by {@code on-unavailable}, and restarting it
 * would not bring Redis back.
 */
public class StateHealthIndicator implements HealthIndicator {

	private final StateStore store;

	public StateHealthIndicator(StateStore store) {
		this.store = store;
	}

	@Override
	public Health health() {
		StateAvailability availability = this.store.availability();
		Health.Builder health = availability.up() ? Health.up() : Health.down();
		health.withDetail("store", this.store.kind().id()).withDetail("since", availability.since().toString());
		if (this.store.kind() == StoreKind.REDIS) {
			health.withDetail("onUnavailable", this.store.onUnavailable().name().toLowerCase(java.util.Locale.ROOT));
		}
		String reason = availability.reason();
		if (reason != null) {
			health.withDetail("reason", reason);
		}
		return health.build();
	}

}
