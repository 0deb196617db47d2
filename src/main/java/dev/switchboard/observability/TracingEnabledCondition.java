package dev.switchboard.observability;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Tracing is on when {@code switchboard.tracing.enabled} says so, and otherwise when an OTLP endpoint is set
 * ({@code management.opentelemetry.tracing.export.otlp.endpoint}). Off, the gateway starts no span at all.
 */
public class TracingEnabledCondition implements Condition {

	/** Turns tracing on or off regardless of the endpoint (on, for instance, to export elsewhere than by OTLP). */
	public static final String ENABLED = "switchboard.tracing.enabled";

	/** Spring Boot's OTLP trace endpoint. */
	public static final String OTLP_ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return enabled(context.getEnvironment());
	}

	static boolean enabled(Environment environment) {
		String enabled = environment.getProperty(ENABLED);
		if (enabled != null && !enabled.isBlank()) {
			return Boolean.parseBoolean(enabled.trim());
		}
		String endpoint = environment.getProperty(OTLP_ENDPOINT);
		return endpoint != null && !endpoint.isBlank();
	}

}
