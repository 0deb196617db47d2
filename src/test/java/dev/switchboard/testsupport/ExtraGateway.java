package dev.switchboard.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.switchboard.SwitchboardApplication;

/**
 * Starts a gateway of its own next to the cached test context, as {@code java -jar} would with command-line arguments:
 * on a random port, with no profile (so application.yaml's defaults apply), with its own Reactor Netty resources
 * ({@link PrivateReactorResources}), and without re-initialising logging, which is one per JVM and which the cached
 * test context has configured for every other test.
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
	 * below the command line as the process environment is. They are added once the configuration files are loaded:
	 * enough for binding and {@code ${VAR}} placeholders, too late for {@code spring.config.*}, which goes in
	 * {@code args}.
	 */
	public static ConfigurableApplicationContext start(Map<String, Object> environment, String... args) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(SwitchboardApplication.class,
				PrivateReactorResources.class)
			.properties("switchboard.well-known-providers=false")
			.initializers((context) -> context.getEnvironment()
				.getPropertySources()
				.addAfter("commandLineArgs", new SystemEnvironmentPropertySource("test-environment", environment)));
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

	/** The port the gateway listens on. */
	public static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
	}

}
