package dev.switchboard.resilience;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.KeepAliveUpstream;
import dev.switchboard.testsupport.KeepAliveUpstream.Reuse;
import dev.switchboard.testsupport.OpenAiFixtures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pooled upstream connection that the upstream closed while idle: a request that lands on it as it closes, before
 * any byte of the answer, is sent once more on a new connection and counted in {@code x-switchboard-attempts}; a
 * connection that fails once the answer has started is an ordinary failed attempt, never sent again.
 * <p>
 * A gateway of its own, so that its pool holds only these upstreams' connections: route {@code stale} has the one
 * target {@code keepalive/k-1} on a {@link KeepAliveUpstream} (no retries, no fallback, so a failure shows as a
 * 502), routes {@code short-keep-alive-0} to {@code -3} the one target {@code node-like-<i>/n-1} each, on a real HTTP
 * server that closes connections idle for {@value #UPSTREAM_IDLE_MILLIS} ms, as Node does after 5 s.
 */
class StaleConnectionIntegrationTests {

	private static final String KEY = "sk-stale-0123456789";

	private static final long UPSTREAM_IDLE_MILLIS = 300;

	private static final KeepAliveUpstream KEEP_ALIVE = new KeepAliveUpstream();

	/** One upstream per client of the steady-traffic test, so that each has a pool of its own in the gateway. */
	private static final NodeLike[] NODE_LIKE = new NodeLike[4];

	private static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void start() {
		List<String> args = new ArrayList<>(List.of("--switchboard.auth.keys[0].key=" + KEY,
				"--switchboard.providers.keepalive.type=openai",
				"--switchboard.providers.keepalive.base-url=" + KEEP_ALIVE.baseUrl(),
				"--switchboard.routes[0].model=stale", "--switchboard.routes[0].targets[0].provider=keepalive",
				"--switchboard.routes[0].targets[0].model=k-1"));
		for (int i = 0; i < NODE_LIKE.length; i++) {
			NODE_LIKE[i] = new NodeLike();
			args.addAll(List.of("--switchboard.providers.node-like-" + i + ".type=openai",
					"--switchboard.providers.node-like-" + i + ".base-url=" + NODE_LIKE[i].baseUrl(),
					"--switchboard.routes[" + (i + 1) + "].model=short-keep-alive-" + i,
					"--switchboard.routes[" + (i + 1) + "].targets[0].provider=node-like-" + i,
					"--switchboard.routes[" + (i + 1) + "].targets[0].model=n-1"));
		}
		gateway = ExtraGateway.start(args.toArray(String[]::new));
	}

	@AfterAll
	static void stop() {
		if (gateway != null) {
			gateway.close();
		}
		for (NodeLike upstream : NODE_LIKE) {
			if (upstream != null) {
				upstream.server.disposeNow();
			}
		}
		KEEP_ALIVE.close();
	}

	@ParameterizedTest
	@EnumSource(value = Reuse.class, names = { "CLOSE", "RESET" })
	void aRequestOnAReusedConnectionThatClosesUnderItIsSentAgainOnANewOne(Reuse reuse) throws InterruptedException {
		startOver(reuse);
		EntityExchangeResult<byte[]> first = chat("stale");
		assertThat(first.getStatus().value()).isEqualTo(200);
		assertThat(attempts(first)).as("a new connection, answered").isEqualTo("1");

		EntityExchangeResult<byte[]> second = chat("stale");

		assertThat(second.getStatus().value()).as("the pooled connection closed under the request: %s", body(second))
			.isEqualTo(200);
		assertThat(body(second)).contains("from keep-alive");
		assertThat(attempts(second)).as("the request on the pooled connection, then the resend").isEqualTo("2");
		assertThat(routing(second)).matches("keepalive/k-1;outcome=stale_connection;dur=\\d+\\.\\d, "
				+ "keepalive/k-1;outcome=200;dur=\\d+\\.\\d");
		assertThat(KEEP_ALIVE.requests()).as("both requests, and the one sent again").isEqualTo(3);
		assertThat(KEEP_ALIVE.connections()).as("the resend on a connection of its own").isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource(value = Reuse.class, names = { "PARTIAL_STATUS", "HEADERS_THEN_CLOSE" })
	void aConnectionThatFailsOnceTheAnswerHasStartedIsNotSentAgain(Reuse reuse) throws InterruptedException {
		startOver(reuse);
		assertThat(chat("stale").getStatus().value()).isEqualTo(200);

		EntityExchangeResult<byte[]> second = chat("stale");

		assertThat(second.getStatus().value()).as("the only target failed: %s", body(second)).isEqualTo(502);
		assertThat(attempts(second)).as("bytes of the answer had arrived: no resend").isEqualTo("1");
		assertThat(routing(second)).matches("keepalive/k-1;outcome=io_error;dur=\\d+\\.\\d");
		assertThat(KEEP_ALIVE.requests()).isEqualTo(2);
		assertThat(KEEP_ALIVE.connections()).isEqualTo(1);
	}

	@Test
	void aConnectionThatStaysHealthyIsReusedWithoutResends() throws InterruptedException {
		startOver(Reuse.ANSWER);
		for (int i = 0; i < 3; i++) {
			EntityExchangeResult<byte[]> result = chat("stale");
			assertThat(result.getStatus().value()).isEqualTo(200);
			assertThat(attempts(result)).isEqualTo("1");
		}
		assertThat(KEEP_ALIVE.connections()).as("one pooled connection for all three").isEqualTo(1);
	}

	/**
	 * Four clients, each with an upstream of its own, each sending a request every 270 to 301 ms, 24 times: requests
	 * keep landing on the pooled connection around the moment the upstream closes it for idleness, after
	 * {@value #UPSTREAM_IDLE_MILLIS} ms.
	 */
	@Test
	void noRequestFailsUnderSteadyTrafficAgainstAShortKeepAlive() throws Exception {
		int perClient = 24;
		ExecutorService executor = Executors.newFixedThreadPool(NODE_LIKE.length);
		List<CompletableFuture<List<EntityExchangeResult<byte[]>>>> runs = new ArrayList<>();
		try {
			for (int c = 0; c < NODE_LIKE.length; c++) {
				String model = "short-keep-alive-" + c;
				int offset = c * 7;
				runs.add(CompletableFuture.supplyAsync(() -> {
					List<EntityExchangeResult<byte[]>> results = new ArrayList<>();
					for (int i = 0; i < perClient; i++) {
						results.add(chat(model));
						sleep(UPSTREAM_IDLE_MILLIS - 30 + (offset + i * 3) % 32);
					}
					return results;
				}, executor));
			}
			List<EntityExchangeResult<byte[]>> all = new ArrayList<>();
			for (CompletableFuture<List<EntityExchangeResult<byte[]>>> run : runs) {
				all.addAll(run.get(30, TimeUnit.SECONDS));
			}

			int resends = 0;
			for (EntityExchangeResult<byte[]> result : all) {
				assertThat(result.getStatus().value()).as("routing %s: %s", routing(result), body(result))
					.isEqualTo(200);
				int stale = countOf(routing(result), "outcome=stale_connection");
				assertThat(stale).as("at most one resend per request").isLessThanOrEqualTo(1);
				assertThat(attempts(result)).as("every request sent upstream is counted: %s", routing(result))
					.isEqualTo(Integer.toString(1 + stale));
				resends += stale;
			}
			int requests = 0;
			int connections = 0;
			for (NodeLike upstream : NODE_LIKE) {
				requests += upstream.requests.get();
				connections += upstream.connections.get();
			}
			System.out.println("StaleConnectionIntegrationTests: " + all.size() + " requests, " + resends
					+ " resent after a keep-alive connection closed under them, " + connections
					+ " upstream connections, " + requests + " requests answered upstream");
			assertThat(connections).as("pooled connections were reused").isLessThan(all.size());
			assertThat(requests).as("each answer reached the upstream, each resend at most once more")
				.isBetween(all.size(), all.size() + resends);
		}
		finally {
			executor.shutdownNow();
		}
	}

	/** Sets {@code reuse} and waits for the gateway's pool to see the old connections closed. */
	private static void startOver(Reuse reuse) throws InterruptedException {
		KEEP_ALIVE.onReuse(reuse);
		Thread.sleep(200);
	}

	private static EntityExchangeResult<byte[]> chat(String model) {
		return client().post()
			.uri("/v1/chat/completions")
			.header("Authorization", "Bearer " + KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static WebTestClient client() {
		return ExtraGateway.client(gateway);
	}

	private static String attempts(EntityExchangeResult<byte[]> result) {
		return result.getResponseHeaders().getFirst("x-switchboard-attempts");
	}

	private static String routing(EntityExchangeResult<byte[]> result) {
		return result.getResponseHeaders().getFirst("x-switchboard-routing");
	}

	private static String body(EntityExchangeResult<byte[]> result) {
		byte[] body = result.getResponseBody();
		return (body != null) ? new String(body, StandardCharsets.UTF_8) : "";
	}

	private static int countOf(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

	/** A real HTTP server that closes connections idle for {@value #UPSTREAM_IDLE_MILLIS} ms, as Node does after 5 s. */
	private static final class NodeLike {

		private final AtomicInteger requests = new AtomicInteger();

		private final AtomicInteger connections = new AtomicInteger();

		private final DisposableServer server;

		NodeLike() {
			byte[] answer = OpenAiFixtures.completion("n-1", "from node-like").getBytes(StandardCharsets.UTF_8);
			this.server = HttpServer.create()
				.host("127.0.0.1")
				.port(0)
				.idleTimeout(Duration.ofMillis(UPSTREAM_IDLE_MILLIS))
				.doOnChannelInit((observer, channel, address) -> this.connections.incrementAndGet())
				.handle((request, response) -> request.receive().then(Mono.defer(() -> {
					this.requests.incrementAndGet();
					return response.header("content-type", "application/json").sendByteArray(Mono.just(answer)).then();
				})))
				.bindNow();
		}

		String baseUrl() {
			return "http://127.0.0.1:" + this.server.port() + "/v1";
		}

	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
