package dev.switchboard.auth;

import org.junit.jupiter.api.Test;

import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.GatewayIntegrationTest;

import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SCG's route actuator lists (and can change) every route: an admin key for every request to it, reads included.
 */
class GatewayActuatorIntegrationTests extends GatewayIntegrationTest {

	@Test
	void listsTheCompiledAndTheUserRoutesToAnAdminKey() {
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/actuator/gateway/routes")
			.header("Authorization", "Bearer " + ADMIN_KEY)
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().value()).isEqualTo(200);
		String body = new String(result.getResponseBody());
		assertThat(body).contains("\"route_id\":\"switchboard-aliases\"", "\"route_id\":\"switchboard-direct\"",
				"\"route_id\":\"switchboard-models\"", "\"route_id\":\"switchboard-proxy\"",
				"\"route_id\":\"switchboard-api\"", "\"route_id\":\"team-research\"", "\"route_id\":\"internal\"");
		assertThat(body).as("the aliases in force are listed with their route").contains("\"fast\"", "\"chain\"");
		assertThat(body).as("no provider key in the listing").doesNotContain(PRIMARY_PROVIDER_KEY);
	}

	@Test
	void refusesWithoutAKeyAndWithAKeyThatIsNotAnAdminKey() {
		EntityExchangeResult<byte[]> none = this.client.get().uri("/actuator/gateway/routes").exchange().expectBody().returnResult();
		EntityExchangeResult<byte[]> notAdmin = this.client.get()
			.uri("/actuator/gateway/routes")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.exchange()
			.expectBody()
			.returnResult();
		EntityExchangeResult<byte[]> refresh = this.client.post()
			.uri("/actuator/gateway/refresh")
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.exchange()
			.expectBody()
			.returnResult();

		assertGatewayError(none, 401, "invalid_api_key", "authentication_error");
		assertGatewayError(notAdmin, 403, "permission_denied", "permission_error");
		assertGatewayError(refresh, 403, "permission_denied", "permission_error");
	}

}
