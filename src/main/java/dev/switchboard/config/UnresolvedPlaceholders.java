package dev.switchboard.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Finds {@code ${VAR}} placeholders under {@code switchboard.} that nothing resolves. Spring Boot's binder leaves such
 * a placeholder in the bound value as literal text, which would become a key or URL; listing them all here turns that
 * into one start-up error that names every missing variable at once.
 */
final class UnresolvedPlaceholders {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)}");

	private UnresolvedPlaceholders() {
	}

	/** Missing variable names, each with the properties that need it. */
	static Map<String, Set<String>> find(ConfigurableEnvironment environment) {
		Map<String, Set<String>> missing = new TreeMap<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)
					|| "configurationProperties".equals(source.getName())) {
				continue;
			}
			for (String name : enumerable.getPropertyNames()) {
				if (!name.startsWith(SwitchboardProperties.PREFIX + ".")) {
					continue;
				}
				Object raw = enumerable.getProperty(name);
				if (!(raw instanceof CharSequence) || raw.toString().indexOf("${") < 0) {
					continue;
				}
				String resolved = environment.resolvePlaceholders(raw.toString());
				Matcher matcher = PLACEHOLDER.matcher(resolved);
				while (matcher.find()) {
					missing.computeIfAbsent(matcher.group(1), variable -> new TreeSet<>()).add(name);
				}
			}
		}
		return missing;
	}

}
