package dev.switchboard.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.SwitchboardApplication;

/**
 * Starts a gateway of its own next to the cached test context, as {@code java -jar} would with command-line arguments:
 * on a random port, with no profile (so application.yaml's defaults apply), with its own Reactor Netty resources
 * ({@link PrivateReactorResources}), and without re-initialising logging, which is one per JVM and which the cached
 * test context has configured for every other test.
 * <p>
 * Each gets a {@code switchboard.state.dir} of its own, in a new temporary directory (a default property too).
 * <p>
 * Well-known providers are off by default (a default property, so a configuration file or argument that sets
 * {@code switchboard.well-known-providers} still wins): the machine's own {@code OPENAI_API_KEY} and the like must
 * not change what a test sees.
 */
public final class ExtraGateway {

	private ExtraGateway() {
	}

	/** Starts the gateway with {@code args}; the caller closes the returned context. */
	public static ConfigurableApplicationContext start(String... args) {
		return start(Map.of(), args);
	}

	/**
	 * Starts the gateway with {@code args} and with {@code environment} as extra environment variables, ranked just
	 * above the process's own and below the command line. They are in place before the configuration files are
	 * loaded, so they can also say where those are ({@code SPRING_CONFIG_ADDITIONALLOCATION}).
	 */
	public static ConfigurableApplicationContext start(Map<String, Object> environment, String... args) {
		return start(new SpringApplicationBuilder(SwitchboardApplication.class, PrivateReactorResources.class),
				environment, args);
	}

	/**
	 * Starts {@code builder}'s application (which must include {@link PrivateReactorResources}) with {@code args},
	 * after the defaults above.
	 */
	public static ConfigurableApplicationContext start(SpringApplicationBuilder builder, String... args) {
		return start(builder, Map.of(), args);
	}

	private static ConfigurableApplicationContext start(SpringApplicationBuilder builder, Map<String, Object> environment,
			String... args) {
		// a state directory of its own (spend and counters start empty), unless the test names one
		builder.properties("switchboard.well-known-providers=false", "switchboard.state.dir=" + tempDir())
			.listeners(new EnvironmentVariables(environment));
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.profiles.active=default"));
		all.addAll(List.of(args));
		String previous = System.getProperty(LoggingSystem.SYSTEM_PROPERTY);
		System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
		try {
			return builder.run(all.toArray(String[]::new));
		}
		finally {
			if (previous != null) {
				System.setProperty(LoggingSystem.SYSTEM_PROPERTY, previous);
			}
			else {
				System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
			}
		}
	}

	private static String tempDir() {
		try {
			return java.nio.file.Files.createTempDirectory("switchboard-extra-state").toString();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String baseUrl(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + port(context);
	}

	public static WebTestClient client(ConfigurableApplicationContext context) {
		return WebTestClient.bindToServer().baseUrl(baseUrl(context)).responseTimeout(Duration.ofSeconds(15)).build();
	}

	/** The port the gateway listens on. */
	public static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
	}

	/**
	 * Adds the variables when the environment is prepared, ahead of Spring Boot's own listener that loads the
	 * configuration files from it.
	 */
	private record EnvironmentVariables(Map<String, Object> variables)
			implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

		@Override
		public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
			event.getEnvironment()
				.getPropertySources()
				.addBefore(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						// Spring Boot maps SWITCHBOARD_X_Y to switchboard.x.y only for sources named *-systemEnvironment
						new SystemEnvironmentPropertySource("test-systemEnvironment", this.variables));
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
