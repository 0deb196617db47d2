package dev.switchboard.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints an invalid configuration as one readable list at start-up instead of a stack trace.
 */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the switchboard.* settings listed above (application.yaml, extra config files or environment "
						+ "variables) and start again. docs/configuration.md describes every key.",
				cause);
	}

}
