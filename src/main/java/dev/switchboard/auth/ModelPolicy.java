package dev.switchboard.auth;

import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.switchboard.support.Globs;

/**
 * Which model names a gateway key may use: exact names and globs where {@code *} matches any run of characters
 * (including {@code /}, so {@code openai/*} covers {@code openai/ft:gpt-4o:org/x}).
 */
public final class ModelPolicy {

	private static final ModelPolicy ANY = new ModelPolicy(null);

	/** {@code null} allows every model. */
	private final Pattern @Nullable [] patterns;

	private ModelPolicy(@Nullable List<String> globs) {
		this.patterns = (globs != null) ? globs.stream().map(ModelPolicy::compile).toArray(Pattern[]::new) : null;
	}

	/** Allows every model. */
	public static ModelPolicy any() {
		return ANY;
	}

	/** Allows the models that match one of {@code globs}; an empty list allows none. */
	public static ModelPolicy of(List<String> globs) {
		return new ModelPolicy(globs);
	}

	public boolean allows(String model) {
		if (this.patterns == null) {
			return true;
		}
		for (Pattern pattern : this.patterns) {
			if (pattern.matcher(model).matches()) {
				return true;
			}
		}
		return false;
	}

	private static Pattern compile(String glob) {
		return Globs.compile(glob);
	}

}
