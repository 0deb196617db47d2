package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Finds {@code ${VAR}} placeholders under {@code switchboard.} that nothing resolves. Spring Boot's binder leaves such
 * a placeholder in the bound value as literal text, which would become a key or URL; listing them all here turns that
 * into one start-up error that names every missing variable at once.
 * <p>
 * Only values the binder uses count: a placeholder in a source that a source of higher precedence overrides (an
 * environment variable over application.yaml, say) is never bound, so it is no problem.
 */
final class UnresolvedPlaceholders {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)}");

	private UnresolvedPlaceholders() {
	}

	/** Missing variable names, each with the properties that need it. */
	static Map<String, Set<String>> find(ConfigurableEnvironment environment) {
		Map<String, Set<String>> missing = new TreeMap<>();
		List<PropertySource<?>> higher = new ArrayList<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if ("configurationProperties".equals(source.getName())) {
				continue;
			}
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (!name.startsWith(SwitchboardProperties.PREFIX + ".")) {
						continue;
					}
					Object raw = enumerable.getProperty(name);
					if (!(raw instanceof CharSequence) || raw.toString().indexOf("${") < 0 || overridden(name, higher)) {
						continue;
					}
					String resolved = environment.resolvePlaceholders(raw.toString());
					Matcher matcher = PLACEHOLDER.matcher(resolved);
					while (matcher.find()) {
						missing.computeIfAbsent(matcher.group(1), variable -> new TreeSet<>()).add(name);
					}
				}
			}
			higher.add(source);
		}
		return missing;
	}

	/**
	 * Whether a source of higher precedence supplies {@code name} instead, so that the binder never reads this value.
	 * Map entries merge across sources, so it takes the same property there (in any relaxed form); a list is bound
	 * whole from the first source that has any element of it, so for a name inside a list it takes any element.
	 */
	private static boolean overridden(String name, List<PropertySource<?>> higher) {
		ConfigurationPropertyName property = ConfigurationPropertyName.adapt(name, '.');
		@Nullable ConfigurationPropertyName list = null;
		for (int i = 0; i < property.getNumberOfElements() && list == null; i++) {
			if (property.isNumericIndex(i)) {
				list = property.chop(i);
			}
		}
		for (PropertySource<?> source : higher) {
			ConfigurationPropertySource adapted = ConfigurationPropertySource.from(source);
			if (adapted == null) {
				continue;
			}
			if (adapted.getConfigurationProperty(property) != null || (list != null
					&& adapted.containsDescendantOf(list) == ConfigurationPropertyState.PRESENT)) {
				return true;
			}
		}
		return false;
	}

}
