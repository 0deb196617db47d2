package dev.switchboard.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.loader.tools.Layer;
import org.springframework.boot.loader.tools.Layers;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

import static dev.switchboard.deploy.RenderedChart.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the Dockerfile against what it depends on, since no Docker engine runs in the test environment: the Java
 * version the build compiles for, the jar's name and layers as Spring Boot's plugin writes them, the port, the user the
 * chart runs as, and the build context {@code .dockerignore} leaves.
 */
class DockerfileTests {

	private static final Pattern TEMURIN = Pattern.compile("eclipse-temurin:(\\d+)-(jdk|jre)(-[a-z]+)?");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static List<Instruction> build;

	private static List<Instruction> run;

	private static Document pom;

	@BeforeAll
	static void parse() throws Exception {
		List<List<Instruction>> stages = stages(Files.readAllLines(Path.of("Dockerfile")));
		assertThat(stages).as("a build stage and a run stage").hasSize(2);
		build = stages.get(0);
		run = stages.get(1);
		pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
	}

	@Test
	void bothStagesUseTheJavaVersionTheBuildCompilesFor() {
		String javaVersion = pomValue("properties", "java.version");

		Matcher builder = TEMURIN.matcher(build.get(0).arguments());
		assertThat(builder.lookingAt()).as("build stage: %s", build.get(0).arguments()).isTrue();
		assertThat(builder.group(1)).isEqualTo(javaVersion);
		assertThat(builder.group(2)).as("the build stage needs a compiler").isEqualTo("jdk");
		Matcher runtime = TEMURIN.matcher(run.get(0).arguments());
		assertThat(runtime.matches()).as("run stage: %s", run.get(0).arguments()).isTrue();
		assertThat(runtime.group(1)).isEqualTo(javaVersion);
		assertThat(runtime.group(2)).as("the run stage needs only a runtime").isEqualTo("jre");
		assertThat(runtime.group(3)).as("both stages on the same distribution").isEqualTo(builder.group(3));
	}

	@Test
	void theRunStageCopiesTheJarsLayersInTheOrderSpringBootWritesThem() {
		String jar = pomValue("build", "finalName") + ".jar";
		List<String> layers = new ArrayList<>();
		Layers.IMPLICIT.forEach((Layer layer) -> layers.add(layer.toString()));

		assertThat(all(build, "RUN")).as("the build extracts the jar it packages, by layer")
			.contains("java -Djarmode=tools -jar target/" + jar + " extract --layers --destination /layers");
		assertThat(all(run, "COPY")).as("least to most often changed, so a code change rebuilds only the last")
			.containsExactlyElementsOf(layers.stream().map((layer) -> "--from=build /layers/" + layer + "/ ./").toList());
		assertThat(execForm(one(run, "ENTRYPOINT"))).as("extracted with --layers, the application is %s again", jar)
			.endsWith("-jar", jar);
	}

	@Test
	void theContainerRunsJavaAsTheChartsNonRootUserWithoutAShell() throws IOException {
		String[] user = one(run, "USER").split(":");
		Map<String, Object> values = new Yaml().load(Files.readString(RenderedChart.CHART.resolve("values.yaml")));

		assertThat(Integer.parseInt(user[0])).as("a numeric uid, so that Kubernetes can check runAsNonRoot")
			.isPositive()
			.isEqualTo((Integer) at(values, "podSecurityContext.runAsUser"));
		assertThat(Integer.parseInt(user[1])).isEqualTo((Integer) at(values, "podSecurityContext.runAsGroup"));
		List<String> entrypoint = execForm(one(run, "ENTRYPOINT"));
		assertThat(entrypoint.get(0)).as("java is PID 1 and receives SIGTERM itself").isEqualTo("java");
		all(run, "RUN").forEach((command) -> assertThat(command).as("the run stage needs no shell, even to build")
			.startsWith("["));
		assertThat(one(run, "ENV")).as("heap sized from the container's memory limit")
			.startsWith("JAVA_TOOL_OPTIONS=\"-XX:MaxRAMPercentage=");
	}

	@Test
	void theExposedPortIsTheGatewaysAndTheCharts() throws IOException {
		Map<String, Object> application = new Yaml()
			.load(Files.readString(Path.of("src", "main", "resources", "application.yaml")));
		int port = (Integer) at(application, "server.port");

		assertThat(Integer.parseInt(one(run, "EXPOSE"))).isEqualTo(port);
		assertThat((Integer) at(RenderedChart.render("").container(), "ports[0].containerPort")).isEqualTo(port);
	}

	@Test
	void theClassDataSharingArchiveIsWrittenWhereTheEntrypointReadsIt() {
		List<String> training = all(run, "RUN").stream()
			.map(DockerfileTests::execForm)
			.filter((command) -> command.stream().anyMatch((arg) -> arg.startsWith("-XX:ArchiveClassesAtExit=")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("a training run writes the archive"));
		String archive = training.stream()
			.filter((arg) -> arg.startsWith("-XX:ArchiveClassesAtExit="))
			.findFirst()
			.orElseThrow()
			.substring("-XX:ArchiveClassesAtExit=".length());
		List<String> entrypoint = execForm(one(run, "ENTRYPOINT"));

		assertThat(training).as("it refreshes the context and exits before opening the port")
			.contains("-Dspring.context.exit=onRefresh");
		assertThat(training).as("a heap under 32 GB keeps compressed oops on, as at run time, whatever the builder has")
			.anyMatch((arg) -> arg.startsWith("-Xmx"));
		assertThat(entrypoint).contains("-XX:SharedArchiveFile=" + archive);
		assertThat(training.subList(training.indexOf("-jar"), training.size()))
			.as("the archive only matches the class path it was trained on")
			.isEqualTo(entrypoint.subList(entrypoint.indexOf("-jar"), entrypoint.size()));
	}

	@Test
	void theBuildContextHoldsExactlyWhatTheBuildStageCopies() throws IOException {
		List<String> patterns = Files.readAllLines(Path.of(".dockerignore"))
			.stream()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		List<String> copied = new ArrayList<>();
		all(build, "COPY").forEach((copy) -> {
			List<String> words = List.of(copy.split("\\s+"));
			words.subList(0, words.size() - 1).forEach((source) -> copied.add(trimSlash(source)));
		});

		assertThat(patterns.get(0)).as("everything is left out first").isEqualTo("*");
		assertThat(patterns.subList(1, patterns.size())).allMatch((pattern) -> pattern.startsWith("!"))
			.extracting((pattern) -> trimSlash(pattern.substring(1)))
			.as("then exactly what the build stage copies is let back in")
			.containsExactlyInAnyOrderElementsOf(copied);
	}

	private static String pomValue(String section, String name) {
		return ((Element) pom.getDocumentElement().getElementsByTagName(section).item(0))
			.getElementsByTagName(name)
			.item(0)
			.getTextContent()
			.strip();
	}

	private static String trimSlash(String path) {
		return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

	private static List<String> all(List<Instruction> stage, String keyword) {
		return stage.stream()
			.filter((instruction) -> instruction.keyword().equals(keyword))
			.map(Instruction::arguments)
			.toList();
	}

	private static String one(List<Instruction> stage, String keyword) {
		List<String> found = all(stage, keyword);
		assertThat(found).as("one %s", keyword).hasSize(1);
		return found.get(0);
	}

	/** The arguments of an exec-form instruction ({@code ["java", "-jar", ...]}), which must be a JSON array. */
	private static List<String> execForm(String arguments) {
		assertThat(arguments).as("exec form").startsWith("[");
		return List.of(JSON.readValue(arguments, String[].class));
	}

	/** The Dockerfile's instructions, one list per stage, each starting with its FROM. */
	private static List<List<Instruction>> stages(List<String> lines) {
		List<List<Instruction>> stages = new ArrayList<>();
		StringBuilder pending = new StringBuilder();
		for (String line : lines) {
			String stripped = line.strip();
			if (pending.isEmpty() && (stripped.isEmpty() || stripped.startsWith("#"))) {
				continue;
			}
			if (stripped.endsWith("\\")) {
				pending.append(stripped, 0, stripped.length() - 1).append(' ');
				continue;
			}
			pending.append(stripped);
			String[] parts = pending.toString().split("\\s+", 2);
			Instruction instruction = new Instruction(parts[0].toUpperCase(), parts[1].strip());
			pending.setLength(0);
			if (instruction.keyword().equals("FROM")) {
				stages.add(new ArrayList<>());
			}
			stages.get(stages.size() - 1).add(instruction);
		}
		return stages;
	}

	/**
	 * One Dockerfile instruction.
	 *
	 * @param keyword upper case, such as {@code COPY}
	 * @param arguments the rest of the line, continuation lines joined
	 */
	private record Instruction(String keyword, String arguments) {

	}

}
