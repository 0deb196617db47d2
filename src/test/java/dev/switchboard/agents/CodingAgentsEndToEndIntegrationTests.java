package dev.switchboard.agents;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.testsupport.AgentUpstreams;
import dev.switchboard.testsupport.AgentUpstreams.Type;
import dev.switchboard.testsupport.GatewayIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real coding agents, Claude Code, Codex CLI and Gemini CLI, run as processes against the gateway, each on a
 * route to every provider type (the mock, and WireMock providers of the openai, azure-openai, anthropic and gemini
 * types): the agent must print the model's answer. The agents come from {@code src/test/agents} (pinned in its
 * {@code package-lock.json}, installed by {@code .ci/run} with {@code npm ci}); without them the tests are skipped,
 * except in CI ({@code CI=true}, or {@code SWITCHBOARD_AGENTS_REQUIRED=1}, which {@code .ci/run} sets), where they
 * must be there. Each agent runs with a fresh home directory, a gateway key as its API key,
 * and its telemetry, update checks and other traffic off, so it talks to nothing but the gateway.
 */
class CodingAgentsEndToEndIntegrationTests extends GatewayIntegrationTest {

	private static final Path AGENTS = Path.of("src/test/agents/node_modules/.bin");

	/** A mock answer: words of its vocabulary, ending with a full stop. */
	private static final String MOCK_ANSWER = "(?s).*\\b[a-z]+( [a-z]+){7,}\\..*";

	private static final String PROMPT = "Reply with one short sentence.";

	@TempDir
	Path homes;

	private ExecutorService runners;

	@BeforeEach
	void runners() {
		this.runners = Executors.newFixedThreadPool(3);
	}

	@AfterEach
	void stopRunners() {
		this.runners.shutdownNow();
	}

	@Test
	void claudeCodePrintsTheAnswerOfEveryProviderType() throws Exception {
		everyProviderType("claude", (type, home) -> {
			Map<String, String> env = Map.of("ANTHROPIC_BASE_URL", baseUrl(), "ANTHROPIC_API_KEY", TEAM_A_KEY,
					"CLAUDE_CONFIG_DIR", home.resolve(".claude").toString(), "DISABLE_TELEMETRY", "1",
					"DISABLE_AUTOUPDATER", "1", "DISABLE_ERROR_REPORTING", "1",
					"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
			return new Run(List.of("-p", PROMPT, "--model", type.alias()), env);
		});
	}

	@Test
	void codexPrintsTheAnswerOfEveryProviderType() throws Exception {
		everyProviderType("codex", (type, home) -> {
			Path codexHome = home.resolve(".codex");
			write(codexHome.resolve("config.toml"), String.join("\n", "model = \"" + type.alias() + "\"",
					"model_provider = \"switchboard\"", "check_for_update_on_startup = false", "",
					"[model_providers.switchboard]", "name = \"Switchboard\"", "base_url = \"" + baseUrl() + "/v1\"",
					"env_key = \"SWITCHBOARD_API_KEY\"", "wire_api = \"responses\"", "", "[analytics]", "enabled = false",
					""));
			Map<String, String> env = Map.of("CODEX_HOME", codexHome.toString(), "SWITCHBOARD_API_KEY", TEAM_A_KEY);
			return new Run(List.of("exec", "--skip-git-repo-check", PROMPT), env);
		});
	}

	@Test
	void geminiCliPrintsTheAnswerOfEveryProviderType() throws Exception {
		everyProviderType("gemini", (type, home) -> {
			write(home.resolve(".gemini/settings.json"), "{\"security\":{\"auth\":{\"selectedType\":\"gemini-api-key\"}},"
					+ "\"privacy\":{\"usageStatisticsEnabled\":false},\"telemetry\":{\"enabled\":false},"
					+ "\"general\":{\"disableAutoUpdate\":true,\"disableUpdateNag\":true}}");
			Map<String, String> env = Map.of("GEMINI_API_KEY", TEAM_A_KEY, "GOOGLE_GEMINI_BASE_URL", baseUrl(),
					"GEMINI_CLI_TRUST_WORKSPACE", "true");
			return new Run(List.of("-p", PROMPT, "-m", type.alias()), env);
		});
	}

	/** How to run an agent for one provider type: its arguments and environment. */
	private record Run(List<String> args, Map<String, String> env) {
	}

	/** Runs {@code agent} once per provider type, a few at a time, and checks each printed its model's answer. */
	private void everyProviderType(String agent, BiFunction<Type, Path, Run> runFor) throws Exception {
		Path binary = AGENTS.resolve(agent);
		boolean ci = "true".equals(System.getenv("CI")) || "1".equals(System.getenv("SWITCHBOARD_AGENTS_REQUIRED"));
		assumeTrue(ci || Files.isExecutable(binary),
				"the agents are not installed: run 'npm ci' in src/test/agents to run the end-to-end tests");
		assertThat(binary).as("CI installs the agents (.ci/run)").isExecutable();
		Map<Type, String> answers = new EnumMap<>(Type.class);
		for (Type type : Type.values()) {
			String answer = "Pong from the " + type.name().toLowerCase() + " provider";
			answers.put(type, answer);
			AgentUpstreams.answer(type, answer);
		}
		Map<Type, CompletableFuture<String>> outputs = new EnumMap<>(Type.class);
		for (Type type : Type.values()) {
			Path home = Files.createDirectories(this.homes.resolve(agent + "-" + type.name().toLowerCase()));
			Run run = runFor.apply(type, home);
			outputs.put(type, CompletableFuture.supplyAsync(() -> run(binary, run, home), this.runners));
		}
		List<String> failures = new ArrayList<>();
		for (Type type : Type.values()) {
			String output = outputs.get(type).get(3, TimeUnit.MINUTES);
			boolean answered = (type == Type.MOCK) ? output.matches(MOCK_ANSWER) : output.contains(answers.get(type));
			if (!answered) {
				failures.add(agent + " through " + type + " printed:\n" + output);
			}
		}
		assertThat(failures).as("every provider type's answer printed").isEmpty();
	}

	/** The agent's standard output (and, after it, its errors, for the failure message). */
	private static String run(Path binary, Run run, Path home) {
		List<String> command = new ArrayList<>();
		command.add(binary.toAbsolutePath().toString());
		command.addAll(run.args());
		ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
			.redirectOutput(home.resolve("stdout.txt").toFile())
			.redirectError(home.resolve("stderr.txt").toFile());
		Map<String, String> env = builder.environment();
		String path = env.get("PATH");
		env.clear();
		env.put("PATH", (path != null) ? path : "/usr/local/bin:/usr/bin:/bin");
		env.put("HOME", home.toString());
		env.put("LANG", "C.UTF-8");
		env.put("NO_COLOR", "1");
		env.putAll(run.env());
		try {
			Process process = builder.start();
			if (!process.waitFor(150, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			return Files.readString(home.resolve("stdout.txt")) + "\n--- stderr ---\n"
					+ Files.readString(home.resolve("stderr.txt"));
		}
		catch (IOException ex) {
			return "could not run " + binary + ": " + ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	private static void write(Path file, String text) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, text, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
