package dev.switchboard.observability;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.translate.TranslatingAdapter;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no OTLP endpoint and {@code switchboard.tracing.enabled} unset, tracing costs nothing: no tracing bean, no
 * wrapped adapter, no span, no trace context invented for the provider.
 */
class TracingOffIntegrationTests extends GatewayIntegrationTest {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private RuntimeConfigHolder configs;

	@Test
	void nothingOfTracingIsOnTheRequestPath() {
		assertThat(this.context.getBeansOfType(GatewayTracing.class)).isEmpty();
		assertThat(this.configs.current().routes().providers().get("primary").adapter())
			.as("the provider's adapter behind translation, with no tracing wrapper around it")
			.isInstanceOf(TranslatingAdapter.class);
		PRIMARY.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "Hi"))));

		assertThat(chat("fast").getStatus().value()).isEqualTo(200);

		PRIMARY.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("traceparent", absent()));
	}

}
