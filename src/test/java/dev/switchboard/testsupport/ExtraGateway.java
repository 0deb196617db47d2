package dev.switchboard.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.SwitchboardApplication;

/**
 * Starts a gateway of its own next to the cached test context, as {@code java -jar} would with command-line
 * arguments: its own Reactor Netty resources ({@link PrivateReactorResources}), a random port, no profile, no
 * well-known providers from the machine's environment, and the logging system left as the cached context set it up.
 */
public final class ExtraGateway {

	private ExtraGateway() {
	}

	/** Starts the application with {@code args} after the defaults above; close the context when done. */
	public static ConfigurableApplicationContext start(String... args) {
		return start(new SpringApplicationBuilder(SwitchboardApplication.class, PrivateReactorResources.class), args);
	}

	/** Starts {@code builder}'s application with {@code args} after the defaults above. */
	public static ConfigurableApplicationContext start(SpringApplicationBuilder builder, String... args) {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.profiles.active=default",
				"--switchboard.well-known-providers=false"));
		all.addAll(List.of(args));
		// Spring Boot's logging system is one per JVM: re-initialising it would reset the cached context's log levels
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

	public static String baseUrl(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	public static WebTestClient client(ConfigurableApplicationContext context) {
		return WebTestClient.bindToServer().baseUrl(baseUrl(context)).responseTimeout(Duration.ofSeconds(15)).build();
	}

}
