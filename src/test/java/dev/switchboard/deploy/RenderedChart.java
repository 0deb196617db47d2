package dev.switchboard.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.marcnuri.helm.Helm;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests {@code helm template} renders from {@code helm/switchboard}, parsed, for tests to assert on. Helm runs
 * in-process: helm-java loads Helm's own Go code as a native library, so no {@code helm} binary is needed.
 *
 * @param manifests every rendered object, in Helm's order
 */
record RenderedChart(List<Map<String, Object>> manifests) {

	static final Path CHART = Path.of("helm", "switchboard");

	static final String RELEASE = "gw";

	static final String NAMESPACE = "ai";

	/** A Kubernetes version with every feature the chart can use (the native preStop sleep needs 1.30). */
	static final String KUBE_VERSION = "1.31.0";

	private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

	/** Renders the chart with {@code values} (YAML, may be empty) over the chart's values.yaml. */
	static RenderedChart render(String values) {
		return render(values, KUBE_VERSION);
	}

	/** Renders the chart with {@code values} for a cluster of {@code kubeVersion}. */
	static RenderedChart render(String values, String kubeVersion) {
		return parse(template(values, kubeVersion));
	}

	/** The text {@code helm template} prints; a failing template throws with Helm's message. */
	static String template(String values, String kubeVersion) {
		try {
			Path file = Files.createTempFile("switchboard-values", ".yaml");
			try {
				Files.writeString(file, values);
				return new Helm(CHART).template()
					.withName(RELEASE)
					.withNamespace(NAMESPACE)
					.withKubeVersion(kubeVersion)
					.withValuesFile(file)
					.call();
			}
			finally {
				Files.delete(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	static RenderedChart parse(String text) {
		List<Map<String, Object>> manifests = new ArrayList<>();
		for (Object document : new Yaml().loadAll(text)) {
			if (document != null) {
				manifests.add((Map<String, Object>) document);
			}
		}
		return new RenderedChart(manifests);
	}

	/** The {@code kind}s rendered, in order. */
	List<String> kinds() {
		return this.manifests.stream().map((manifest) -> (String) manifest.get("kind")).toList();
	}

	/** The one object of {@code kind}; fails the test unless there is exactly one. */
	Map<String, Object> one(String kind) {
		List<Map<String, Object>> found = this.manifests.stream()
			.filter((manifest) -> kind.equals(manifest.get("kind")))
			.toList();
		assertThat(found).as("exactly one %s is rendered", kind).hasSize(1);
		return found.get(0);
	}

	/** The Deployment's gateway container. */
	Map<String, Object> container() {
		return at(one("Deployment"), "spec.template.spec.containers[0]");
	}

	/** The container's environment variables by name: each entry as rendered ({@code value} or {@code valueFrom}). */
	Map<String, Map<String, Object>> env() {
		List<Map<String, Object>> entries = at(container(), "env");
		Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
		entries.forEach((entry) -> assertThat(byName.put((String) entry.get("name"), entry))
			.as("variable %s is set once", entry.get("name"))
			.isNull());
		return byName;
	}

	/** The configuration file the ConfigMap holds, as text. */
	String configFile() {
		Map<String, String> data = at(one("ConfigMap"), "data");
		assertThat(data).as("the ConfigMap holds one file").containsOnlyKeys("switchboard.yaml");
		return data.get("switchboard.yaml");
	}

	/** The configuration file, parsed. */
	Map<String, Object> config() {
		return new Yaml().load(configFile());
	}

	/**
	 * The value at {@code path} below {@code root}: map keys separated by dots, list indexes in brackets
	 * ({@code spec.template.spec.containers[0].env}). Null when any step is missing.
	 */
	@SuppressWarnings("unchecked")
	static <T> T at(@Nullable Object root, String path) {
		Object current = root;
		Matcher step = STEP.matcher(path);
		while (step.find() && current != null) {
			if (step.group(1) != null) {
				current = ((Map<String, Object>) current).get(step.group(1));
			}
			else {
				List<Object> list = (List<Object>) current;
				int index = Integer.parseInt(step.group(2));
				current = (index < list.size()) ? list.get(index) : null;
			}
		}
		return (T) current;
	}

}
