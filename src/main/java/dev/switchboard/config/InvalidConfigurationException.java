package dev.switchboard.config;

import java.util.List;

/**
 * The {@code switchboard} configuration has problems; the message lists all of them, one per line.
 */
public class InvalidConfigurationException extends RuntimeException {

	private final List<String> problems;

	public InvalidConfigurationException(List<String> problems) {
		super("Invalid switchboard configuration (" + problems.size() + " problem" + ((problems.size() == 1) ? "" : "s")
				+ "):\n  - " + String.join("\n  - ", problems));
		this.problems = List.copyOf(problems);
	}

	public List<String> problems() {
		return this.problems;
	}

}
