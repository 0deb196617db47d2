package dev.switchboard.state;

import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Whether the state store can be reached now, and who wants to hear when that changes. The local store is always up;
 * the Redis store goes down when its connection drops or a command fails for want of Redis, and up again when Lettuce
 * has reconnected by itself.
 * <p>
 * Listeners are called once per change, in the order added, on the thread that saw the change (a Lettuce I/O thread
 * or a request's event loop): they must be quick and must not block. A listener added while the store is down is not
 * called until the next change; read {@link #up()} first.
 */
public final class StateAvailability {

	private static final Log logger = LogFactory.getLog(StateAvailability.class);

	/** Reacts to outages and recoveries of the state store. */
	public interface Listener {

		/** The store went down. */
		default void onDown() {
		}

		/** The store is back. */
		default void onUp() {
		}

	}

	private final StoreKind store;

	private final AtomicBoolean up;

	private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

	private volatile Instant since = Instant.now();

	private volatile @Nullable String reason;

	/** @param initiallyUp whether the store counts as reachable before anything is known */
	public StateAvailability(StoreKind store, boolean initiallyUp) {
		this.store = store;
		this.up = new AtomicBoolean(initiallyUp);
		if (!initiallyUp) {
			this.reason = "not connected yet";
		}
	}

	/** Always up: the local store. */
	public static StateAvailability local() {
		return new StateAvailability(StoreKind.LOCAL, true);
	}

	public StoreKind store() {
		return this.store;
	}

	/** Whether the store can be reached now. */
	public boolean up() {
		return this.up.get();
	}

	/** When the current state (up or down) began. */
	public Instant since() {
		return this.since;
	}

	/** Why the store is down (an exception's class, never its message, which may name hosts or credentials). */
	public @Nullable String reason() {
		return this.up.get() ? null : this.reason;
	}

	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	public void removeListener(Listener listener) {
		this.listeners.remove(listener);
	}

	/** Marks the store down; listeners hear of it only when it was up. */
	public void markDown(String reason) {
		if (this.up.compareAndSet(true, false)) {
			this.since = Instant.now();
			this.reason = reason;
			logger.warn("State store " + this.store.id() + " is unavailable (" + reason + ")");
			for (Listener listener : this.listeners) {
				notify(listener, false);
			}
		}
	}

	/** Marks the store up; listeners hear of it only when it was down. */
	public void markUp() {
		if (this.up.compareAndSet(false, true)) {
			this.since = Instant.now();
			logger.info("State store " + this.store.id() + " is available again");
			for (Listener listener : this.listeners) {
				notify(listener, true);
			}
		}
	}

	private static void notify(Listener listener, boolean up) {
		try {
			if (up) {
				listener.onUp();
			}
			else {
				listener.onDown();
			}
		}
		catch (RuntimeException ex) {
			logger.error("A state availability listener failed", ex);
		}
	}

}
