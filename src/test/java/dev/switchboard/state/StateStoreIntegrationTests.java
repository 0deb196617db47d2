package dev.switchboard.state;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.LoopResources;
import reactor.test.StepVerifier;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ReactorResourceFactory;

import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway on {@code switchboard.state.store: redis} against a real redis-server: commands, scripts and pub/sub
 * work; stopping Redis is an outage (health DOWN, a meter, commands failing at once) and starting it again ends it
 * without a restart of the gateway.
 */
class StateStoreIntegrationTests {

	private static RedisServer redis;

	private static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		gateway = ExtraGateway.start("--switchboard.auth.keys[0].key=sk-state-test-0123456789",
				"--switchboard.state.store=redis", "--switchboard.state.redis.url=" + redis.url(),
				"--switchboard.state.redis.timeout=300ms");
	}

	@AfterAll
	static void stop() {
		gateway.close();
		redis.close();
	}

	@Test
	void redisOutageIsReportedAndRecoveredWithoutRestart() throws Exception {
		StateStore store = gateway.getBean(StateStore.class);
		RedisState state = store.redis();
		assertThat(store.kind()).isEqualTo(StoreKind.REDIS);
		assertThat(state).isNotNull();
		health(HttpStatus.OK);

		StepVerifier.create(state.strings(c -> c.set("state-test", "v").then(c.get("state-test"))))
			.expectNext("v")
			.verifyComplete();
		RedisScript increment = state.script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
		StepVerifier.create(increment.<Long>run(ScriptOutputType.INTEGER, new String[] { "state-counter" }, "5"))
			.expectNext(5L)
			.verifyComplete();
		BlockingQueue<String> messages = new LinkedBlockingQueue<>();
		state.subscribe("state-test-channel", messages::add);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> state.publish("state-test-channel", "before").block(Duration.ofSeconds(1)) == 1L);
		assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("before");

		List<Boolean> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		store.availability().addListener(new StateAvailability.Listener() {
			@Override
			public void onDown() {
				seen.add(false);
			}

			@Override
			public void onUp() {
				seen.add(true);
			}
		});
		redis.stop();
		await().atMost(Duration.ofSeconds(5)).until(() -> !store.availability().up());
		health(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(gateway.getBean(MeterRegistry.class).get(StateMetrics.OUTAGES).counter().count()).isEqualTo(1.0);
		long started = System.nanoTime();
		StepVerifier.create(state.strings(c -> c.get("state-test")))
			.expectError(StateUnavailableException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("an outage fails at once, it does not queue")
			.isLessThan(Duration.ofSeconds(2));

		redis.restart();
		await().atMost(Duration.ofSeconds(10)).until(() -> store.availability().up());
		health(HttpStatus.OK);
		assertThat(seen).containsExactly(false, true);
		// Redis came back empty: the script is loaded again and counts from zero
		StepVerifier.create(increment.<Long>run(ScriptOutputType.INTEGER, new String[] { "state-counter" }, "2"))
			.expectNext(2L)
			.verifyComplete();
		// the subscription was renewed on reconnect
		await().atMost(Duration.ofSeconds(5))
			.until(() -> state.publish("state-test-channel", "after").block(Duration.ofSeconds(1)) == 1L);
		assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("after");
		// and the connections on the event loops came back on their loops
		eachLoopIsAnsweredOnItself(state, increment);
	}

	@Test
	void aScriptRunFromAServerEventLoopGoesOutAndIsAnsweredOnThatLoop() throws Exception {
		RedisState state = gateway.getBean(StateStore.class).redis();
		RedisScript increment = state.script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
		eachLoopIsAnsweredOnItself(state, increment);
	}

	/**
	 * From each of the web server's loops, a script's answer comes on the same thread: the loop's own connection
	 * carried it (on the one shared connection, three loops in four would get it from another thread).
	 */
	private static void eachLoopIsAnsweredOnItself(RedisState state, RedisScript script) throws Exception {
		EventLoopGroup loops = gateway.getBean(ReactorResourceFactory.class)
			.getLoopResources()
			.onServer(LoopResources.DEFAULT_NATIVE);
		List<EventExecutor> each = new java.util.ArrayList<>();
		loops.forEach(each::add);
		assertThat(state.loopConnections()).isEqualTo(each.size()).isGreaterThan(1);
		for (EventExecutor loop : each) {
			CompletableFuture<Boolean> onItself = new CompletableFuture<>();
			loop.execute(() -> script.<Long>run(ScriptOutputType.INTEGER, new String[] { "state-loops" }, "1")
				.subscribe(count -> onItself.complete(loop.inEventLoop()), onItself::completeExceptionally));
			assertThat(onItself.get(5, TimeUnit.SECONDS)).as("answered on the loop that sent it").isTrue();
		}
	}

	/**
	 * A state store on the server's loops closes promptly, also while its connections are reconnecting to a Redis
	 * that went away: each loop's client shares the main client's timer and executor, and shutting one down must
	 * not take them from the others (which then waited for ever on a close that could no longer be reported).
	 */
	@Test
	void aStoreOnTheServersLoopsClosesPromptlyWhileRedisIsDown() throws Exception {
		EventLoopGroup loops = gateway.getBean(ReactorResourceFactory.class)
			.getLoopResources()
			.onServer(LoopResources.DEFAULT_NATIVE);
		try (RedisServer gone = RedisServer.start()) {
			for (boolean down : new boolean[] { false, true }) {
				if (!gone.running()) {
					gone.restart();
				}
				RedisState state = new RedisState(gone.url(), Duration.ofMillis(200), OnUnavailable.DENY, loops);
				assertThat(state.loopConnections()).isGreaterThan(1);
				await().atMost(Duration.ofSeconds(10)).until(() -> state.availability().up());
				if (down) {
					gone.stop();
					await().atMost(Duration.ofSeconds(10)).until(() -> !state.availability().up());
				}
				List<io.lettuce.core.resource.ClientResources> resources = state.clientResources();
				// what a loop's client leaves when it is shut down: the main client's timer and executor
				resources.get(1).shutdown(0, 1, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
				assertThat(resources.get(0).eventExecutorGroup().isShuttingDown()).as("the shared executor").isFalse();
				assertThat(resources.get(0).eventExecutorGroup()).isSameAs(resources.get(1).eventExecutorGroup());
				CompletableFuture<Void> closed = CompletableFuture.runAsync(state::close);
				assertThat(closed).as("closed within seconds, Redis %s", down ? "down" : "up")
					.succeedsWithin(Duration.ofSeconds(15));
			}
		}
		// the server's loops are the web server's: still serving
		health(HttpStatus.OK);
	}

	@Test
	void aClientStartedWhileRedisIsDownConnectsWhenItComes() {
		try (RedisServer later = RedisServer.start()) {
			later.stop();
			try (RedisState state = new RedisState(later.url(), Duration.ofMillis(200), OnUnavailable.DENY)) {
				assertThat(state.availability().up()).isFalse();
				StepVerifier.create(state.strings(c -> c.ping())).expectError(StateUnavailableException.class).verify();
				later.restart();
				await().atMost(Duration.ofSeconds(10)).until(() -> state.availability().up());
				StepVerifier.create(state.strings(c -> c.ping())).expectNext("PONG").verifyComplete();
			}
		}
	}

	private static void health(HttpStatus status) {
		ExtraGateway.client(gateway)
			.get()
			.uri("/actuator/health/state")
			.exchange()
			.expectStatus()
			.isEqualTo(status);
	}

}
