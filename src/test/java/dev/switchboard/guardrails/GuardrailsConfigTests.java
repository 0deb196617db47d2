package dev.switchboard.guardrails;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;

import dev.switchboard.config.InvalidConfigurationException;
import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.config.RuntimeConfigCompiler;
import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.provider.http.UpstreamHttpClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code switchboard.guardrails} bound as Spring Boot binds it and compiled with the rest of the configuration: what
 * a request gets, and every mistake listed with the other problems (start-up fails, a reload is rejected).
 */
class GuardrailsConfigTests {

	private final UpstreamHttpClient httpClient = new UpstreamHttpClient(Duration.ofSeconds(1), 1);

	private final RuntimeConfigCompiler compiler = new RuntimeConfigCompiler(CircuitBreakerRegistry.ofDefaults(),
			this.httpClient);

	private final MockEnvironment environment = new MockEnvironment();

	@AfterEach
	void dispose() {
		this.httpClient.dispose();
	}

	@Test
	void aRequestGetsTheGlobalThenTheRoutesThenTheKeysGuardrails() {
		set("switchboard.guardrails.secrets.type", "secrets");
		set("switchboard.guardrails.secrets.global", "true");
		set("switchboard.guardrails.secrets.directions[0]", "request");
		set("switchboard.guardrails.secrets.directions[1]", "response");
		set("switchboard.guardrails.pii.type", "pii");
		set("switchboard.guardrails.pii.action", "mask");
		set("switchboard.guardrails.pii.entities[0]", "email");
		set("switchboard.guardrails.codenames.type", "keywords");
		set("switchboard.guardrails.codenames.words[0]", "project falcon");
		set("switchboard.guardrails.codenames.action", "block");
		set("switchboard.guardrails.employee-ids.type", "regex");
		set("switchboard.guardrails.employee-ids.patterns.employee-id", "EMP-[0-9]{6}");
		route();
		set("switchboard.routes[0].guardrails[0]", "pii");
		set("switchboard.routes[0].guardrails[1]", "codenames");
		set("switchboard.auth.keys[0].name", "contractor");
		set("switchboard.auth.keys[0].key", "sk-contractor-0123456789");
		set("switchboard.auth.keys[0].guardrails[0]", "employee-ids");
		set("switchboard.auth.keys[0].guardrails[1]", "secrets");

		Guardrails guardrails = compile().guardrails();

		assertThat(guardrails.forRequest("fast", "contractor")).extracting(Guardrail::name)
			.containsExactly("secrets", "pii", "codenames", "employee-ids");
		assertThat(guardrails.forRequest("other", "someone")).extracting(Guardrail::name).containsExactly("secrets");
		Guardrail secrets = guardrails.byName().get("secrets");
		assertThat(secrets.directions()).containsExactlyInAnyOrder(Direction.REQUEST, Direction.RESPONSE);
		assertThat(secrets.rules()).extracting(Rule::name).contains("aws-access-key-id", "high-entropy");
		assertThat(guardrails.byName().get("pii").rules()).extracting(Rule::name).containsExactly("email");
		assertThat(guardrails.byName().get("pii").directions()).as("request by default").containsExactly(Direction.REQUEST);
		assertThat(guardrails.byName().get("employee-ids").action()).as("redact by default").isEqualTo(GuardrailAction.REDACT);
	}

	@Test
	void everyMistakeIsListedWithTheOtherProblems() {
		set("switchboard.guardrails.a.type", "antivirus");
		set("switchboard.guardrails.b.type", "secrets");
		set("switchboard.guardrails.b.action", "shred");
		set("switchboard.guardrails.c.type", "regex");
		set("switchboard.guardrails.c.patterns.twice", "(a)\\1");
		set("switchboard.guardrails.d.type", "regex");
		set("switchboard.guardrails.d.patterns.open", "[a-");
		set("switchboard.guardrails.e.type", "webhook");
		set("switchboard.guardrails.f.type", "pii");
		set("switchboard.guardrails.f.entities[0]", "passport");
		set("switchboard.guardrails.g.type", "keywords");
		set("switchboard.guardrails.h.type", "webhook");
		set("switchboard.guardrails.h.url", "http://policy.internal/check");
		set("switchboard.guardrails.h.on-error", "maybe");
		set("switchboard.guardrails.i.type", "secrets");
		set("switchboard.guardrails.i.directions[0]", "sideways");
		route();
		set("switchboard.routes[0].guardrails[0]", "nope");
		set("switchboard.auth.keys[0].key", "sk-someone-0123456789");
		set("switchboard.auth.keys[0].guardrails[0]", "missing");
		set("switchboard.providers.up.base-url", "not a url");

		List<String> problems = problems();

		assertThat(problems).contains(
				"switchboard.guardrails.a.type: unknown type 'antivirus' (one of secrets, pii, regex, keywords, webhook)",
				"switchboard.guardrails.b.action: unknown action 'shred' (one of redact, mask, block, log)",
				"switchboard.guardrails.e.url: a webhook guardrail needs the url its texts are POSTed to",
				"switchboard.guardrails.f.entities: unknown entity 'passport' (one of email, phone, credit-card, iban, ip-address, us-ssn)",
				"switchboard.guardrails.g.words: a keywords guardrail needs at least one word",
				"switchboard.guardrails.h.on-error: unknown value 'maybe' (allow, block)",
				"switchboard.guardrails.i.directions: unknown direction 'sideways' (request, response)",
				"switchboard.routes[0].guardrails: unknown guardrail 'nope' (configured: a, b, c, d, e, f, g, h, i)",
				"switchboard.auth.keys[0].guardrails: unknown guardrail 'missing' (configured: a, b, c, d, e, f, g, h, i)");
		assertThat(problems).anyMatch(p -> p.startsWith("switchboard.guardrails.c.patterns.twice: the pattern does not compile"))
			.anyMatch(p -> p.startsWith("switchboard.guardrails.d.patterns.open: the pattern does not compile"))
			.as("with the other problems").anyMatch(p -> p.startsWith("switchboard.providers.up"));
	}

	private void route() {
		set("switchboard.providers.up.type", "openai");
		set("switchboard.providers.up.api-key", "sk-provider");
		set("switchboard.routes[0].model", "fast");
		set("switchboard.routes[0].targets[0].provider", "up");
		set("switchboard.routes[0].targets[0].model", "m");
	}

	private void set(String name, String value) {
		this.environment.setProperty(name, value);
	}

	private RuntimeConfig compile() {
		return this.compiler.compile(bind(), this.environment, "sb-generated");
	}

	private SwitchboardProperties bind() {
		return Binder.get(this.environment)
			.bind(SwitchboardProperties.PREFIX, SwitchboardProperties.class)
			.orElseGet(SwitchboardProperties::new);
	}

	private List<String> problems() {
		InvalidConfigurationException invalid = catchThrowableOfType(InvalidConfigurationException.class, this::compile);
		assertThat(invalid).as("the configuration is rejected").isNotNull();
		return invalid.problems();
	}

}
