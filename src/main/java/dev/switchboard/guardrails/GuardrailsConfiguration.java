package dev.switchboard.guardrails;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.config.RuntimeConfigHolder;

/** Wires the guardrails slot: the filter, the audit and the webhook client. */
@Configuration(proxyBeanMethods = false)
public class GuardrailsConfiguration {

	@Bean
	GuardrailAudit guardrailAudit(MeterRegistry registry) {
		return new GuardrailAudit(registry);
	}

	@Bean(destroyMethod = "dispose")
	WebhookClient guardrailWebhookClient() {
		return new WebhookClient();
	}

	@Bean
	GuardrailsFilter guardrailsFilter(RuntimeConfigHolder configs, GuardrailAudit audit, WebhookClient webhooks) {
		return new GuardrailsFilter(configs, audit, webhooks);
	}

}
