package dev.switchboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.testsupport.AnthropicErrors;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.switchboard.testsupport.GatewayErrors.assertGatewayError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Virtual keys through HTTP, as a platform team would use them: issued, used, scoped, changed, rotated, expired and
 * revoked through {@code /admin/keys} on the shared gateway (local store in memory). Every key here has a name of
 * its own, so the tests neither see nor disturb each other's keys.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeysIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	private static final AtomicInteger NAMES = new AtomicInteger();

	@Autowired
	private MeterRegistry meters;

	private AdminApi admin;

	@BeforeEach
	void providersAnswer() {
		this.admin = new AdminApi(this.client, ADMIN_KEY);
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("gpt-4o-mini", "from primary"))));
		SECONDARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("s-model", "from secondary"))));
		CLAUDE.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(dev.switchboard.testsupport.AnthropicFixtures.message("claude-sonnet-4", "from claude"))));
	}

	private static String name(String what) {
		return what + "-" + NAMES.incrementAndGet();
	}

	@Test
	void issuesAKeyThatWorksAtOnceAndIsShownOnlyOnce(CapturedOutput output) throws Exception {
		String name = name("lifecycle");
		AdminApi.Issued issued = this.admin.issue("{\"name\":\"" + name + "\",\"metadata\":{\"team\":\"search\"}}");

		assertThat(issued.key()).as("sk-sb- and 32+ characters").matches("sk-sb-[A-Za-z0-9_-]{32,}");
		String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
			.digest(issued.key().getBytes(StandardCharsets.UTF_8)));
		assertThat(issued.record().get("id").asString()).isEqualTo(sha256.substring(0, 12));
		assertThat(issued.record().get("last4").asString()).isEqualTo(issued.key().substring(issued.key().length() - 4));
		assertThat(issued.record().get("role").asString()).isEqualTo("user");
		assertThat(issued.record().get("source").asString()).isEqualTo("api");
		assertThat(issued.record().get("metadata").get("team").asString()).isEqualTo("search");
		assertThat(issued.record().get("last-used-at").isNull()).isTrue();

		assertThat(chatWith(issued.key(), "fast").getStatus().value()).isEqualTo(200);

		EntityExchangeResult<byte[]> one = this.admin.call(HttpMethod.GET, "/admin/keys/" + name, null);
		assertThat(one.getStatus().value()).isEqualTo(200);
		JsonNode record = AdminApi.read(one);
		assertThat(record.get("name").asString()).isEqualTo(name);
		assertThat(record.get("last-used-at").isNull()).as("used just now").isFalse();
		assertThat(record.get("created-at").asString()).isNotBlank();
		EntityExchangeResult<byte[]> all = this.admin.call(HttpMethod.GET, "/admin/keys", null);
		JsonNode data = AdminApi.read(all).get("data");
		assertThat(data.valueStream().map(r -> r.get("name").asString())).contains(name, "team-a", "ops-admin");
		assertThat(data.valueStream().filter(r -> r.get("name").asString().equals("team-a")).findFirst().orElseThrow()
			.get("source").asString()).isEqualTo("config");
		assertThat(AdminApi.body(one) + AdminApi.body(all)).as("never the key again, nor its digest")
			.doesNotContain(issued.key())
			.doesNotContain(sha256)
			.doesNotContain(TEAM_A_KEY);
		assertThat(output.getAll()).as("never in the logs").doesNotContain(issued.key()).doesNotContain(sha256);
		assertThat(output.getAll()).as("the admin calls are audited by name")
			.contains("admin key.create by ops-admin on " + name + ": 201 ok");
		assertThat(this.meters.get("switchboard.admin.requests").tag("action", "key.create").tag("outcome", "ok")
			.counter().count()).isPositive();
		assertThat(this.meters.get("switchboard.keys.api").gauge().value()).isPositive();
	}

	@Test
	void refusesRequestsOutsideEachScope() {
		AdminApi.Issued models = this.admin.issue("{\"name\":\"" + name("models") + "\",\"models\":[\"fast\"]}");
		assertThat(chatWith(models.key(), "fast").getStatus().value()).isEqualTo(200);
		assertGatewayError(chatWith(models.key(), "primary/gpt-4o"), 403, "model_not_allowed", "permission_error");

		AdminApi.Issued endpoints = this.admin
			.issue("{\"name\":\"" + name("endpoints") + "\",\"endpoints\":[\"/v1/embeddings\", \"/proxy/**\"]}");
		assertGatewayError(chatWith(endpoints.key(), "fast"), 403, "endpoint_not_allowed", "permission_error");

		PRIMARY.resetRequests();
		AdminApi.Issued providers = this.admin
			.issue("{\"name\":\"" + name("providers") + "\",\"providers\":[\"secondary\"]}");
		EntityExchangeResult<byte[]> cut = chatWith(providers.key(), "fast");
		assertThat(cut.getStatus().value()).as("fast's primary target is cut, its secondary one serves").isEqualTo(200);
		assertThat(cut.getResponseHeaders().getFirst("x-switchboard-provider")).isEqualTo("secondary");
		PRIMARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
		assertGatewayError(chatWith(providers.key(), "claude-only"), 403, "provider_not_allowed", "permission_error");
		String listed = new String(this.client.get().uri("/v1/models").header("Authorization", "Bearer " + providers.key())
			.exchange().expectBody().returnResult().getResponseBodyContent(), StandardCharsets.UTF_8);
		assertThat(listed).as("the models it can reach").contains("\"fast\"", "secondary/llama-3.3-70b")
			.doesNotContain("\"claude-only\"", "primary/gpt-4o-mini");
		assertGatewayError(chatWith(providers.key(), "primary/gpt-4o"), 403, "provider_not_allowed",
				"permission_error");
		EntityExchangeResult<byte[]> proxy = this.client.post()
			.uri("/proxy/primary/chat/completions")
			.header("Authorization", "Bearer " + providers.key())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("gpt-4o"))
			.exchange()
			.expectBody()
			.returnResult();
		assertGatewayError(proxy, 403, "provider_not_allowed", "permission_error");

		AdminApi.Issued ip = this.admin.issue("{\"name\":\"" + name("ip") + "\",\"ip-allow\":[\"10.0.0.0/8\"]}");
		assertGatewayError(chatWith(ip.key(), "fast"), 403, "ip_not_allowed", "permission_error");
	}

	@Test
	void appliesTheGuardrailsAnApiKeyNames() {
		JsonNode unknown = assertGatewayError(this.admin.call(HttpMethod.POST, "/admin/keys",
				"{\"name\":\"" + name("guarded") + "\",\"guardrails\":[\"no-such-guardrail\"]}"), 400,
				"invalid_request", "invalid_request_error");
		assertThat(unknown.get("param").asString()).isEqualTo("guardrails[0]");

		AdminApi.Issued guarded = this.admin
			.issue("{\"name\":\"" + name("guarded") + "\",\"guardrails\":[\"it-employee-ids\"]}");
		EntityExchangeResult<byte[]> answer = this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + guarded.key())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"I am EMP-123456\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(answer.getStatus().value()).isEqualTo(200);
		String sent = PRIMARY.getAllServeEvents().get(0).getRequest().getBodyAsString();
		assertThat(sent).as("redacted by the key's guardrail").doesNotContain("EMP-123456");
		assertThat(AdminApi.read(this.admin.call(HttpMethod.GET, "/admin/keys/contractor", null)).get("guardrails")
			.get(0).asString()).as("a configured key's guardrails are listed too").isEqualTo("it-employee-ids");
	}

	@Test
	void refusesAnAnthropicClientInAnthropicsShape() {
		AdminApi.Issued key = this.admin
			.issue("{\"name\":\"" + name("anthropic") + "\",\"ip-allow\":[\"10.0.0.0/8\"],\"models\":[\"fast\"]}");
		EntityExchangeResult<byte[]> refused = this.client.post()
			.uri("/v1/messages")
			.header("x-api-key", key.key())
			.header("anthropic-version", "2023-06-01")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"claude-only\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(AnthropicErrors.assertAnthropicError(refused, 403, "permission_error")).startsWith("ip_not_allowed");
	}

	@Test
	void readsTheClientAddressFromXForwardedForOfATrustedProxyIpv4AndIpv6() {
		AdminApi.Issued v6 = this.admin.issue("{\"name\":\"" + name("ipv6") + "\",\"ip-allow\":[\"2001:db8::/32\"]}");
		AdminApi.Issued v4 = this.admin
			.issue("{\"name\":\"" + name("ipv4") + "\",\"ip-allow\":[\"203.0.113.0/24\", \"127.0.0.1\"]}");

		assertThat(chatWith(v6.key(), "fast", h -> h.set("X-Forwarded-For", "2001:db8:1::7")).getStatus().value())
			.isEqualTo(200);
		assertGatewayError(chatWith(v6.key(), "fast", h -> h.set("X-Forwarded-For", "2001:db9::7")), 403,
				"ip_not_allowed", "permission_error");
		assertGatewayError(chatWith(v6.key(), "fast"), 403, "ip_not_allowed", "permission_error");
		assertThat(chatWith(v4.key(), "fast", h -> h.set("X-Forwarded-For", "203.0.113.9")).getStatus().value())
			.isEqualTo(200);
		assertThat(chatWith(v4.key(), "fast").getStatus().value()).as("the loopback peer itself").isEqualTo(200);
		// a client's own X-Forwarded-For entry is left of what the trusted proxy appended, and not believed
		assertGatewayError(chatWith(v4.key(), "fast", h -> h.set("X-Forwarded-For", "203.0.113.9, 198.51.100.1")),
				403, "ip_not_allowed", "permission_error");
	}

	@Test
	void changesScopesWithPatchAndLeavesTheRecordAsItWasWhenAChangeIsInvalid() {
		String name = name("patch");
		AdminApi.Issued issued = this.admin.issue("{\"name\":\"" + name + "\"}");
		assertThat(chatWith(issued.key(), "fast").getStatus().value()).isEqualTo(200);

		EntityExchangeResult<byte[]> patched = this.admin.call(HttpMethod.PATCH, "/admin/keys/" + name,
				"{\"models\":[\"claude-only\"],\"metadata\":{\"owner\":\"ana\"}}");
		assertThat(patched.getStatus().value()).as(AdminApi.body(patched)).isEqualTo(200);
		assertThat(AdminApi.read(patched).get("models").get(0).asString()).isEqualTo("claude-only");
		assertGatewayError(chatWith(issued.key(), "fast"), 403, "model_not_allowed", "permission_error");

		EntityExchangeResult<byte[]> invalid = this.admin.call(HttpMethod.PATCH, "/admin/keys/" + name,
				"{\"models\":[\"fast\"],\"ip-allow\":[\"10.0.0.0/33\"]}");
		JsonNode error = assertGatewayError(invalid, 400, "invalid_request", "invalid_request_error");
		assertThat(error.get("param").asString()).isEqualTo("ip-allow[0]");
		JsonNode after = AdminApi.read(this.admin.call(HttpMethod.GET, "/admin/keys/" + name, null));
		assertThat(after.get("models").get(0).asString()).as("nothing half-applied").isEqualTo("claude-only");
		assertThat(after.get("metadata").get("owner").asString()).isEqualTo("ana");

		this.admin.call(HttpMethod.PATCH, "/admin/keys/" + name, "{\"models\":null}");
		assertThat(chatWith(issued.key(), "fast").getStatus().value()).as("null clears a scope").isEqualTo(200);
	}

	@Test
	void rotatesWithAndWithoutGrace() throws InterruptedException {
		String name = name("rotate");
		AdminApi.Issued first = this.admin.issue("{\"name\":\"" + name + "\"}");

		EntityExchangeResult<byte[]> rotated = this.admin.call(HttpMethod.POST, "/admin/keys/" + name + "/rotate", null);
		assertThat(rotated.getStatus().value()).as(AdminApi.body(rotated)).isEqualTo(200);
		String second = AdminApi.read(rotated).get("key").asString();
		assertThat(second).startsWith("sk-sb-").isNotEqualTo(first.key());
		assertGatewayError(chatWith(first.key(), "fast"), 401, "invalid_api_key", "authentication_error");
		assertThat(chatWith(second, "fast").getStatus().value()).isEqualTo(200);

		EntityExchangeResult<byte[]> graceful = this.admin.call(HttpMethod.POST, "/admin/keys/" + name + "/rotate",
				"{\"grace\":\"1h\"}");
		String third = AdminApi.read(graceful).get("key").asString();
		assertThat(chatWith(second, "fast").getStatus().value()).as("still valid in its grace period").isEqualTo(200);
		assertThat(chatWith(third, "fast").getStatus().value()).isEqualTo(200);
		assertThat(AdminApi.read(graceful).get("record").get("id").asString()).isEqualTo(third.isEmpty() ? "" :
				sha256(third).substring(0, 12));

		EntityExchangeResult<byte[]> bad = this.admin.call(HttpMethod.POST, "/admin/keys/" + name + "/rotate",
				"{\"grace\":\"soon\"}");
		assertGatewayError(bad, 400, "invalid_request", "invalid_request_error");
		assertThat(chatWith(third, "fast").getStatus().value()).as("a refused rotation changes nothing").isEqualTo(200);

		EntityExchangeResult<byte[]> brief = this.admin.call(HttpMethod.POST, "/admin/keys/" + name + "/rotate",
				"{\"grace\":\"300ms\"}");
		String fourth = AdminApi.read(brief).get("key").asString();
		assertThat(chatWith(fourth, "fast").getStatus().value()).isEqualTo(200);
		long until = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
		int status = 200;
		while (status == 200 && System.nanoTime() < until) {
			Thread.sleep(50);
			status = chatWith(third, "fast").getStatus().value();
		}
		assertThat(status).as("refused once its grace period is over").isEqualTo(401);
	}

	@Test
	void refusesAnExpiredKeyAndARevokedOne() {
		String name = name("expiring");
		AdminApi.Issued issued = this.admin
			.issue("{\"name\":\"" + name + "\",\"expires-at\":\"" + Instant.now().plusSeconds(3600) + "\"}");
		assertThat(chatWith(issued.key(), "fast").getStatus().value()).isEqualTo(200);

		this.admin.call(HttpMethod.PATCH, "/admin/keys/" + name,
				"{\"expires-at\":\"" + Instant.now().minusSeconds(1) + "\"}");
		EntityExchangeResult<byte[]> expired = chatWith(issued.key(), "fast");
		assertGatewayError(expired, 401, "key_expired", "authentication_error");
		assertThat(AdminApi.body(expired)).as("an error never echoes the key").doesNotContain(issued.key());

		EntityExchangeResult<byte[]> revoked = this.admin.call(HttpMethod.DELETE, "/admin/keys/" + name, null);
		assertThat(revoked.getStatus().value()).isEqualTo(200);
		assertThat(AdminApi.read(revoked).get("deleted").asBoolean()).isTrue();
		EntityExchangeResult<byte[]> refused = chatWith(issued.key(), "fast");
		assertGatewayError(refused, 401, "invalid_api_key", "authentication_error");
		assertThat(AdminApi.body(refused)).doesNotContain(issued.key());
		assertGatewayError(this.admin.call(HttpMethod.GET, "/admin/keys/" + name, null), 404, "key_not_found",
				"invalid_request_error");
		assertGatewayError(this.admin.call(HttpMethod.DELETE, "/admin/keys/" + name, null), 404, "key_not_found",
				"invalid_request_error");
	}

	@Test
	void rejectsBadAdminInputNamingTheField() {
		String[][] cases = { { "{\"name\":\"ok\",", null }, { "[1]", null }, { "{\"name\":\"a b\"}", "name" },
				{ "{}", "name" }, { "{\"name\":\"" + "x".repeat(65) + "\"}", "name" },
				{ "{\"name\":\"u1\",\"colour\":\"red\"}", "colour" },
				{ "{\"name\":\"u2\",\"ip-allow\":[\"10.0.0.300/8\"]}", "ip-allow[0]" },
				{ "{\"name\":\"u3\",\"ip-allow\":[\"example.com\"]}", "ip-allow[0]" },
				{ "{\"name\":\"u4\",\"models\":[\"\"]}", "models[0]" },
				{ "{\"name\":\"u5\",\"endpoints\":[\"v1/chat\"]}", "endpoints[0]" },
				{ "{\"name\":\"u6\",\"expires-at\":\"next friday\"}", "expires-at" },
				{ "{\"name\":\"u7\",\"role\":\"root\"}", "role" }, { "{\"name\":\"u8\",\"byo\":\"yes\"}", "byo" },
				{ "{\"name\":\"u9\",\"models\":\"fast\"}", "models" },
				{ "{\"name\":\"u10\",\"name\":\"u11\"}", null } };
		for (String[] c : cases) {
			JsonNode error = assertGatewayError(this.admin.call(HttpMethod.POST, "/admin/keys", c[0]), 400,
					"invalid_request", "invalid_request_error");
			assertThat(error.get("param").isNull() ? null : error.get("param").asString())
				.as(c[0])
				.isEqualTo(c[1]);
		}
		assertThat(AdminApi.body(this.admin.call(HttpMethod.GET, "/admin/keys", null))).as("nothing was created")
			.doesNotContain("\"u1\"", "\"u2\"", "\"u6\"", "\"u7\"");
	}

	@Test
	void keepsNamesUniqueAndConfiguredKeysReadOnly() {
		assertGatewayError(this.admin.call(HttpMethod.POST, "/admin/keys", "{\"name\":\"team-a\"}"), 409, "key_exists",
				"invalid_request_error");
		String name = name("unique");
		this.admin.issue("{\"name\":\"" + name + "\"}");
		assertGatewayError(this.admin.call(HttpMethod.POST, "/admin/keys", "{\"name\":\"" + name + "\"}"), 409,
				"key_exists", "invalid_request_error");
		for (HttpMethod method : new HttpMethod[] { HttpMethod.PATCH, HttpMethod.DELETE }) {
			assertGatewayError(this.admin.call(method, "/admin/keys/team-a", "{\"models\":[\"fast\"]}"), 409,
					"key_from_config", "invalid_request_error");
		}
		assertGatewayError(this.admin.call(HttpMethod.POST, "/admin/keys/team-a/rotate", null), 409, "key_from_config",
				"invalid_request_error");
		JsonNode teamA = AdminApi.read(this.admin.call(HttpMethod.GET, "/admin/keys/team-a", null));
		assertThat(teamA.get("source").asString()).isEqualTo("config");
		assertThat(teamA.get("last4").asString()).isEqualTo(TEAM_A_KEY.substring(TEAM_A_KEY.length() - 4));
	}

	@Test
	void answersTheAdminApiOnlyToAdmins() {
		assertGatewayError(this.admin.call(HttpMethod.GET, "/admin/keys", null, TEAM_A_KEY), 403, "permission_denied",
				"permission_error");
		assertGatewayError(this.client.get().uri("/admin/keys").exchange().expectBody().returnResult(), 401,
				"invalid_api_key", "authentication_error");
		assertGatewayError(this.admin.call(HttpMethod.GET, "/admin/keys", null, "sk-sb-not-a-key-0123456789abcdef"),
				401, "invalid_api_key", "authentication_error");

		AdminApi.Issued second = this.admin.issue("{\"name\":\"" + name("admin") + "\",\"role\":\"admin\"}");
		assertThat(this.admin.call(HttpMethod.GET, "/admin/keys", null, second.key()).getStatus().value())
			.as("an API-issued admin key").isEqualTo(200);
		assertThat(chatWith(second.key(), "fast").getStatus().value()).isEqualTo(200);
		assertGatewayError(this.admin.call(HttpMethod.GET, "/admin/nothing", null), 404, "unknown_url",
				"invalid_request_error");
	}

	@Test
	void letsAReadOnlyKeyListModelsAndNothingElse() {
		AdminApi.Issued reader = this.admin.issue("{\"name\":\"" + name("reader") + "\",\"role\":\"read-only\"}");
		assertThat(this.client.get().uri("/v1/models").header("Authorization", "Bearer " + reader.key()).exchange()
			.expectBody().returnResult().getStatus().value()).isEqualTo(200);
		assertGatewayError(chatWith(reader.key(), "fast"), 403, "permission_denied", "permission_error");
		assertGatewayError(this.admin.call(HttpMethod.GET, "/admin/keys", null, reader.key()), 403,
				"permission_denied", "permission_error");
	}

	@Test
	void sendsABringYourOwnKeyUpstreamAndNowhereElse(CapturedOutput output) {
		String own = "sk-own-provider-key-SECRET-4242";
		AdminApi.Issued byo = this.admin.issue("{\"name\":\"" + name("byo") + "\",\"byo\":true}");

		EntityExchangeResult<byte[]> answer = chatWith(byo.key(), "fast", h -> h.set("x-provider-api-key", own));
		assertThat(answer.getStatus().value()).isEqualTo(200);
		PRIMARY.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + own))
			.withHeader("x-provider-api-key", absent()));

		// on /proxy/{provider}/**, the provider's own header beside the gateway key in x-api-key
		EntityExchangeResult<byte[]> proxied = this.client.post()
			.uri("/proxy/primary/chat/completions")
			.header("x-api-key", byo.key())
			.header("Authorization", "Bearer " + own + "-proxy")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody("gpt-4o"))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(proxied.getStatus().value()).as(AdminApi.body(proxied)).isEqualTo(200);
		PRIMARY.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + own + "-proxy")));

		// a BYO credential reaches one provider only: fast's secondary is not a fallback for it
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(500)));
		EntityExchangeResult<byte[]> failed = chatWith(byo.key(), "fast", h -> h.set("x-provider-api-key", own));
		assertThat(failed.getStatus().value()).isEqualTo(502);
		SECONDARY.verify(0, postRequestedFor(urlEqualTo(CHAT)));
		assertThat(AdminApi.body(failed)).doesNotContain(own);

		String scrape = prometheusScrape();
		assertThat(output.getAll()).as("logged under the gateway key's name")
			.contains("key_name=" + byo.record().get("name").asString());
		assertThat(scrape + output.getAll()).as("the provider key in no meter and no log").doesNotContain(own);

		AdminApi.Issued plain = this.admin.issue("{\"name\":\"" + name("not-byo") + "\"}");
		EntityExchangeResult<byte[]> refused = chatWith(plain.key(), "fast", h -> h.set("x-provider-api-key", own));
		assertGatewayError(refused, 403, "permission_denied", "permission_error");
		assertThat(AdminApi.body(refused)).doesNotContain(own);
	}

	@Test
	void anIssuedKeyServesTheOpenAiSdkUntilItIsRevoked() {
		String name = name("sdk");
		AdminApi.Issued issued = this.admin.issue("{\"name\":\"" + name + "\",\"models\":[\"fast\"]}");
		OpenAIClient sdk = OpenAIOkHttpClient.builder()
			.baseUrl(baseUrl() + "/v1")
			.apiKey(issued.key())
			.maxRetries(0)
			.timeout(java.time.Duration.ofSeconds(20))
			.build();
		try {
			ChatCompletion answer = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
				.model("fast").addUserMessage("Hello").build());
			assertThat(answer.choices().get(0).message().content()).hasValue("from primary");
			PermissionDeniedException outside = catchThrowableOfType(PermissionDeniedException.class,
					() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
						.model("chain").addUserMessage("Hello").build()));
			assertThat(outside.code()).hasValue("model_not_allowed");

			this.admin.call(HttpMethod.DELETE, "/admin/keys/" + name, null);
			UnauthorizedException revoked = catchThrowableOfType(UnauthorizedException.class,
					() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
						.model("fast").addUserMessage("Hello").build()));
			assertThat(revoked.code()).hasValue("invalid_api_key");
		}
		finally {
			sdk.close();
		}
	}

	private EntityExchangeResult<byte[]> chatWith(String key, String model) {
		return chatWith(key, model, headers -> {
		});
	}

	private EntityExchangeResult<byte[]> chatWith(String key, String model, Consumer<HttpHeaders> headers) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + key)
			.headers(headers)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(chatBody(model))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static String sha256(String key) {
		return HexFormat.of().formatHex(KeyRegistry.sha256(key));
	}

}
