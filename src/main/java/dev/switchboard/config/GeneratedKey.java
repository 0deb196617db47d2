package dev.switchboard.config;

/**
 * The gateway key generated for a run with no keys configured. It stays the same across reloads, so that a reload
 * of a configuration that still has no keys does not lock out whoever read the key from the start-up log.
 *
 * @param value the key
 */
record GeneratedKey(String value) {

	@Override
	public String toString() {
		return "GeneratedKey[value=<redacted>]";
	}

}
