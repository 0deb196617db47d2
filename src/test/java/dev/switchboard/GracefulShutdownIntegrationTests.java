package dev.switchboard;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.ScriptedUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What a gateway does when it is told to stop (SIGTERM runs the same {@code close()} through Spring Boot's shutdown
 * hook): readiness goes down, new connections are refused, a stream already running is carried to its end, and a
 * stream that outlives {@code spring.lifecycle.timeout-per-shutdown-phase} is cut so that the process can exit.
 * <p>
 * Each test starts a gateway of its own, since it stops it, and streams from a {@link ScriptedUpstream} that holds
 * the stream mid-way until the test lets it go on.
 */
class GracefulShutdownIntegrationTests {

	private static final String KEY = "sk-shutdown-0123456789";

	private static final String CHAT = "/v1/chat/completions";

	private static final String STREAM_BODY = """
			{"model":"slow","stream":true,"messages":[{"role":"user","content":"Hi"}]}""";

	private static final ScriptedUpstream UPSTREAM = new ScriptedUpstream();

	@Test
	void aStreamInFlightCompletesIntactWhileReadinessIsDownAndNewConnectionsAreRefused() throws Exception {
		List<String> head = List.of(OpenAiFixtures.chunkEvent("s-1", "Hel"), OpenAiFixtures.chunkEvent("s-1", "lo"));
		List<String> tail = List.of(OpenAiFixtures.chunkEvent("s-1", " after"), OpenAiFixtures.chunkEvent("s-1", " SIGTERM"),
				OpenAiFixtures.finishEvent("s-1"), OpenAiFixtures.DONE_EVENT);
		Sinks.Empty<Void> goOn = Sinks.empty();
		UPSTREAM.respond((request, response) -> response.header("content-type", "text/event-stream")
			.sendString(Flux.concat(Flux.fromIterable(head), goOn.asMono().thenMany(Flux.fromIterable(tail)))));
		ConfigurableApplicationContext context = startGateway();
		assertThat(context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
			.as("application.yaml's grace period, as docs/deployment.md states it")
			.isEqualTo("30s");
		assertThat(context.getEnvironment().getProperty("server.shutdown")).isEqualTo("graceful");
		int port = ExtraGateway.port(context);
		HealthEndpoint health = context.getBean(HealthEndpoint.class);
		assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
		CountDownLatch firstEvent = new CountDownLatch(1);
		CompletableFuture<Reply> stream = stream(port, firstEvent);
		assertThat(firstEvent.await(10, TimeUnit.SECONDS)).as("the stream has started").isTrue();

		long stopping = System.nanoTime();
		CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);

		awaitTrue(() -> health.healthForPath("readiness").getStatus().equals(Status.OUT_OF_SERVICE),
				"readiness reports OUT_OF_SERVICE once shutdown begins");
		awaitTrue(() -> newRequestIsRefused(port), "a new connection is refused once shutdown begins");
		assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("both happen at once, not after the grace period")
			.isLessThan(Duration.ofSeconds(5));
		assertThat(stream).as("the stream is still held mid-way by the upstream").isNotDone();
		assertThat(closed).as("the gateway waits for the stream").isNotDone();
		assertThat(newRequestIsRefused(port)).as("new connections stay refused during the drain").isTrue();
		assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

		// longer than the 3 s Reactor Netty gives connections when the server is stopped outright: what keeps the
		// stream alive is the grace period, not that default
		Thread.sleep(3500);
		assertThat(stream).as("the stream is still open past 3 s of shutdown").isNotDone();
		goOn.tryEmitEmpty();

		Reply reply = stream.get(10, TimeUnit.SECONDS);
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body()).as("every event, in order, ending with [DONE]: the stream completed intact")
			.isEqualTo(String.join("", head) + String.join("", tail));
		closed.get(20, TimeUnit.SECONDS);
		assertThat(context.isActive()).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - stopping))
			.as("the gateway stopped once the stream was done, well inside the 30 s grace period")
			.isLessThan(Duration.ofSeconds(20));
	}

	@Test
	void aStreamThatOutlivesTheGracePeriodIsCutAndTheGatewayStops() throws Exception {
		Sinks.Empty<Void> never = Sinks.empty();
		UPSTREAM.respond((request, response) -> response.header("content-type", "text/event-stream")
			.sendString(Flux.concat(Flux.just(OpenAiFixtures.chunkEvent("s-1", "Hel")),
					never.asMono().thenMany(Flux.just(OpenAiFixtures.DONE_EVENT)))));
		ConfigurableApplicationContext context = startGateway("--spring.lifecycle.timeout-per-shutdown-phase=1500ms");
		CountDownLatch firstEvent = new CountDownLatch(1);
		CompletableFuture<Reply> stream = stream(ExtraGateway.port(context), firstEvent);
		assertThat(firstEvent.await(10, TimeUnit.SECONDS)).as("the stream has started").isTrue();

		long stopping = System.nanoTime();
		CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
		closed.get(20, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - stopping);

		assertThat(took).as("the gateway waited the grace period for the stream, then stopped anyway")
			.isGreaterThanOrEqualTo(Duration.ofMillis(1400))
			.isLessThan(Duration.ofSeconds(15));
		Throwable failure = catchThrowable(() -> stream.get(10, TimeUnit.SECONDS));
		assertThat(failure).as("the client sees the stream aborted, never a clean end")
			.isInstanceOf(ExecutionException.class);
		never.tryEmitEmpty();
	}

	private static ConfigurableApplicationContext startGateway(String... extra) {
		List<String> args = new ArrayList<>(List.of("--switchboard.auth.keys[0].key=" + KEY,
				"--switchboard.providers.slow.type=openai", "--switchboard.providers.slow.base-url=" + UPSTREAM.baseUrl(),
				"--switchboard.routes[0].model=slow", "--switchboard.routes[0].targets[0].provider=slow",
				"--switchboard.routes[0].targets[0].model=s-1"));
		args.addAll(List.of(extra));
		return ExtraGateway.start(args.toArray(String[]::new));
	}

	/** POSTs the streaming request on a connection of its own; counts {@code firstEvent} down on the first chunk. */
	private static CompletableFuture<Reply> stream(int port, CountDownLatch firstEvent) {
		return client(port).post()
			.uri(CHAT)
			.send(ByteBufFlux.fromString(Mono.just(STREAM_BODY)))
			.response((response, content) -> content.asString()
				.doOnNext((chunk) -> firstEvent.countDown())
				.collect(Collectors.joining())
				.map((body) -> new Reply(response.status().code(), body)))
			.single()
			.toFuture();
	}

	/** Whether a new request on a new connection fails to connect. */
	private static boolean newRequestIsRefused(int port) {
		Throwable failure = catchThrowable(() -> client(port).post()
			.uri(CHAT)
			.send(ByteBufFlux.fromString(Mono.just(STREAM_BODY)))
			.responseSingle((response, content) -> Mono.just(response.status().code()))
			.block(Duration.ofSeconds(5)));
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException) {
				return true;
			}
		}
		return false;
	}

	private static HttpClient client(int port) {
		return HttpClient.create(ConnectionProvider.newConnection())
			.baseUrl("http://127.0.0.1:" + port)
			.headers((headers) -> headers.set("authorization", "Bearer " + KEY).set("content-type", "application/json"));
	}

	private static void awaitTrue(BooleanSupplier condition, String description) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(description).isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private record Reply(int status, String body) {

	}

}
