package dev.switchboard.cache;

import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The flights in progress in this process, by exact cache key: the first cacheable request of a key leads (goes
 * upstream), identical ones that arrive while it is in flight follow it. A flight is removed once its answer is
 * stored or it failed, so that a request after that finds the stored answer or leads a new flight.
 */
final class Singleflight {

	private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

	/** The flight of {@code key} in progress, or {@code null}. */
	@Nullable Flight current(String key) {
		return this.flights.get(key);
	}

	/**
	 * A new flight of {@code key} that the caller leads, or {@code null} when another request became its leader
	 * first (then {@link #current} has it).
	 */
	@Nullable Flight lead(String key) {
		Flight flight = new Flight(key);
		return (this.flights.putIfAbsent(key, flight) == null) ? flight : null;
	}

	/** Ends {@code flight}: later requests no longer join it. */
	void land(Flight flight) {
		this.flights.remove(flight.key(), flight);
	}

	/** Flights in progress, for the meters. */
	int size() {
		return this.flights.size();
	}

}
