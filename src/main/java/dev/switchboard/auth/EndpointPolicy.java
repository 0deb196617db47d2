package dev.switchboard.auth;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Which request paths a gateway key may call: Spring's path patterns, as WebFlux and Spring Cloud Gateway's
 * {@code Path} predicate read them ({@code /v1/chat/completions}, {@code /proxy/**}, {@code /v1/models/*}). A pattern
 * matches the whole path; {@code /v1/models} does not cover {@code /v1/models/gpt-4o}.
 */
public final class EndpointPolicy {

	private static final EndpointPolicy ANY = new EndpointPolicy(null);

	/** {@code null} allows every path. */
	private final PathPattern @Nullable [] patterns;

	private EndpointPolicy(PathPattern @Nullable [] patterns) {
		this.patterns = patterns;
	}

	public static EndpointPolicy any() {
		return ANY;
	}

	/**
	 * The paths that match one of {@code patterns}; an empty list allows none.
	 * @throws IllegalArgumentException naming a pattern that does not parse or does not start with {@code /}
	 */
	public static EndpointPolicy of(List<String> patterns) {
		List<PathPattern> parsed = new ArrayList<>(patterns.size());
		for (String pattern : patterns) {
			if (pattern == null || !pattern.startsWith("/")) {
				throw new IllegalArgumentException("'" + pattern + "' is not a path pattern (such as /v1/chat/completions or /proxy/**)");
			}
			try {
				parsed.add(PathPatternParser.defaultInstance.parse(pattern));
			}
			catch (PatternParseException ex) {
				throw new IllegalArgumentException("'" + pattern + "' is not a valid path pattern: " + ex.getMessage());
			}
		}
		return new EndpointPolicy(parsed.toArray(PathPattern[]::new));
	}

	public boolean allows(PathContainer path) {
		if (this.patterns == null) {
			return true;
		}
		for (PathPattern pattern : this.patterns) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	/** Whether every path is allowed: no check is needed. */
	public boolean isAny() {
		return this.patterns == null;
	}

}
