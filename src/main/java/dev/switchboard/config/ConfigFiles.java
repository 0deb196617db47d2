package dev.switchboard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.config.ConfigDataEnvironmentUpdateListener;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataResource;
import org.springframework.boot.context.config.StandardConfigDataResource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;

/**
 * Reads the application's configuration files again, the way Spring Boot read them at start-up: the same locations
 * ({@code spring.config.location}, {@code additional-location}, {@code import}), the same profiles, and every other
 * property source (command line, system properties, environment variables) as it was. The result is a fresh
 * {@link ConfigurableEnvironment} to bind and check; the application's own environment is never changed.
 * <p>
 * It also names the files on disk that the configuration came from, which are the files worth watching. Files
 * inside the application's jar or on the class path never change while it runs and are not named; neither are
 * directories given as locations (a file added to one later is only seen after a restart).
 */
final class ConfigFiles {

	/** The property source that makes relaxed binding work; Spring adds one to every environment. */
	private static final String ATTACHED = "configurationProperties";

	private final ConfigurableEnvironment live;

	/** Names of the live environment's property sources that came from configuration files; set by the first load. */
	private @Nullable Set<String> configDataSources;

	/** The files of the last load. */
	private volatile List<Path> files = List.of();

	ConfigFiles(ConfigurableEnvironment live) {
		this.live = live;
		Set<String> names = new LinkedHashSet<>();
		load(names);
		this.configDataSources = Set.copyOf(names);
	}

	/** Reads the configuration files again: an environment as the application would see it if it started now. */
	ConfigurableEnvironment load() {
		return load(new LinkedHashSet<>());
	}

	/** The files on disk the last load read, and those named as file locations that were missing then. */
	List<Path> files() {
		return this.files;
	}

	private ConfigurableEnvironment load(Set<String> loadedSourceNames) {
		StandardEnvironment fresh = new StandardEnvironment();
		MutablePropertySources sources = fresh.getPropertySources();
		sources.forEach(source -> sources.remove(source.getName()));
		for (PropertySource<?> source : this.live.getPropertySources()) {
			if (!ATTACHED.equals(source.getName()) && !isConfigData(source)) {
				sources.addLast(source);
			}
		}
		Set<Path> read = new LinkedHashSet<>();
		ConfigDataEnvironmentUpdateListener listener = new ConfigDataEnvironmentUpdateListener() {

			@Override
			public void onPropertySourceAdded(PropertySource<?> propertySource, ConfigDataLocation location,
					ConfigDataResource resource) {
				loadedSourceNames.add(propertySource.getName());
				Path file = file(resource);
				if (file != null) {
					read.add(file);
				}
			}

		};
		ConfigDataEnvironmentPostProcessor.applyTo(fresh, new DefaultResourceLoader(getClass().getClassLoader()),
				new DefaultBootstrapContext(), Arrays.asList(this.live.getActiveProfiles()), listener);
		read.addAll(namedFileLocations(fresh));
		this.files = List.copyOf(read);
		return fresh;
	}

	private boolean isConfigData(PropertySource<?> source) {
		// before the first load, fall back on the name Spring Boot gives the property sources of config files
		return (this.configDataSources != null) ? this.configDataSources.contains(source.getName())
				: source.getName().startsWith("Config resource '");
	}

	private static @Nullable Path file(ConfigDataResource resource) {
		if (resource instanceof StandardConfigDataResource standard) {
			Resource file = standard.getResource();
			if (!(file instanceof ClassPathResource) && file.isFile()) {
				try {
					return file.getFile().toPath().toAbsolutePath();
				}
				catch (IOException ex) {
					return null;
				}
			}
		}
		return null;
	}

	/**
	 * Files given as {@code file:} locations, also when they were missing ({@code optional:}), so that creating one
	 * later is seen too.
	 */
	private static List<Path> namedFileLocations(ConfigurableEnvironment environment) {
		List<Path> files = new ArrayList<>();
		for (String property : List.of("spring.config.location", "spring.config.additional-location",
				"spring.config.import")) {
			String value = environment.getProperty(property);
			if (value == null) {
				continue;
			}
			for (String location : value.split("[,;]")) {
				String trimmed = location.trim();
				if (trimmed.startsWith("optional:")) {
					trimmed = trimmed.substring("optional:".length());
				}
				if (trimmed.startsWith("file:") && !trimmed.endsWith("/")) {
					Path path = Path.of(trimmed.substring("file:".length())).toAbsolutePath();
					if (!Files.isDirectory(path)) {
						files.add(path);
					}
				}
			}
		}
		return files;
	}

	/** The contents of {@code files} now, a missing file as {@code null}; symbolic links are followed. */
	static Map<Path, byte @Nullable []> snapshot(List<Path> files) {
		Map<Path, byte @Nullable []> contents = new LinkedHashMap<>();
		for (Path file : files) {
			try {
				contents.put(file, Files.readAllBytes(file));
			}
			catch (IOException ex) {
				contents.put(file, null);
			}
		}
		return contents;
	}

	/** Whether two snapshots differ in any file. */
	static boolean differ(Map<Path, byte @Nullable []> before, Map<Path, byte @Nullable []> after) {
		if (!before.keySet().equals(after.keySet())) {
			return true;
		}
		for (Map.Entry<Path, byte @Nullable []> entry : before.entrySet()) {
			if (!Arrays.equals(entry.getValue(), after.get(entry.getKey()))) {
				return true;
			}
		}
		return false;
	}

}
