package dev.switchboard.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of the state store: {@code switchboard.state.outages} counts each time it went down,
 * {@code switchboard.state.available} is 1 while it can be reached and 0 while not; both tagged {@code store}.
 */
public final class StateMetrics {

	public static final String OUTAGES = "switchboard.state.outages";

	public static final String AVAILABLE = "switchboard.state.available";

	private StateMetrics() {
	}

	public static void bind(StateStore store, MeterRegistry registry) {
		StateAvailability availability = store.availability();
		Counter outages = Counter.builder(OUTAGES)
			.description("Times the state store became unreachable")
			.tag("store", store.kind().id())
			.register(registry);
		Gauge.builder(AVAILABLE, availability, a -> a.up() ? 1 : 0)
			.description("Whether the state store can be reached (1) or not (0)")
			.tag("store", store.kind().id())
			.register(registry);
		availability.addListener(new StateAvailability.Listener() {
			@Override
			public void onDown() {
				outages.increment();
			}
		});
	}

}
