package dev.switchboard.guardrails;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each guardrail hit: the meter {@code switchboard.guardrail.hits} (tags guardrail, rule, action, direction,
 * route) and one structured log event with the same fields and the request id, at INFO on
 * {@code dev.switchboard.guardrails}. Never the matched text: only names from the configuration and the catalog.
 */
public class GuardrailAudit {

	/** The meter's name. */
	public static final String HITS = "switchboard.guardrail.hits";

	/** The logger of hit events. */
	public static final String LOGGER = "dev.switchboard.guardrails";

	private static final Logger logger = LoggerFactory.getLogger(LOGGER);

	private final MeterRegistry registry;

	public GuardrailAudit(MeterRegistry registry) {
		this.registry = registry;
	}

	void hit(String requestId, String guardrail, String rule, String action, Direction direction, String route) {
		try {
			Counter.builder(HITS)
				.description("Guardrail rules that matched a request's or an answer's text")
				.tag("guardrail", guardrail)
				.tag("rule", rule)
				.tag("action", action)
				.tag("direction", direction.id())
				.tag("route", route)
				.register(this.registry)
				.increment();
			if (logger.isInfoEnabled()) {
				logger.atInfo()
					.addKeyValue("request_id", requestId)
					.addKeyValue("guardrail", guardrail)
					.addKeyValue("rule", rule)
					.addKeyValue("action", action)
					.addKeyValue("direction", direction.id())
					.addKeyValue("route", route)
					.log("guardrail_hit request_id={} guardrail={} rule={} action={} direction={} route={}", requestId,
							guardrail, rule, action, direction.id(), route);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("could not record a guardrail hit", ex);
		}
	}

}
