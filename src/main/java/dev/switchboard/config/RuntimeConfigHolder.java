package dev.switchboard.config;

/**
 * Holds the current {@link RuntimeConfig}. Swapping it is atomic: requests in flight keep the snapshot they started
 * with, new ones get the new one.
 */
public final class RuntimeConfigHolder {

	private volatile RuntimeConfig current;

	public RuntimeConfigHolder(RuntimeConfig initial) {
		this.current = initial;
	}

	public RuntimeConfig current() {
		return this.current;
	}

	public void replace(RuntimeConfig next) {
		this.current = next;
	}

}
