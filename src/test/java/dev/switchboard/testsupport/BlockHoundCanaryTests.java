package dev.switchboard.testsupport;

import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that BlockHound is installed for every test (by the {@code blockhound-junit-platform} listener), so that a
 * blocking call on a non-blocking thread fails the test that made it.
 */
class BlockHoundCanaryTests {

	@Test
	void threadSleepOnAParallelSchedulerThreadFails() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(10);
			return 1;
		}).subscribeOn(Schedulers.parallel());

		StepVerifier.create(blocking)
			.expectErrorSatisfies((error) -> assertThat(error)
				.as("BlockHound must be on: Thread.sleep on a parallel thread is a blocking call")
				.isInstanceOf(BlockingOperationError.class)
				.hasMessageContaining("java.lang.Thread.sleep"))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void threadSleepOnAReactorNettyEventLoopFails() throws Exception {
		LoopResources loops = LoopResources.create("blockhound-canary", 1, true);
		try {
			EventLoopGroup group = loops.onServer(false);
			CompletableFuture<Throwable> outcome = new CompletableFuture<>();
			group.execute(() -> {
				try {
					Thread.sleep(10);
					outcome.complete(null);
				}
				catch (Throwable ex) {
					outcome.complete(ex);
				}
			});

			assertThat(outcome.get(5, TimeUnit.SECONDS))
				.as("the gateway's filters run on these threads: blocking there must fail the test")
				.isInstanceOf(BlockingOperationError.class);
		}
		finally {
			loops.disposeLater().block(Duration.ofSeconds(5));
		}
	}

	@Test
	void threadSleepOnABoundedElasticThreadIsAllowed() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(10);
			return 1;
		}).subscribeOn(Schedulers.boundedElastic());

		StepVerifier.create(blocking).expectNext(1).expectComplete().verify(Duration.ofSeconds(5));
	}

	@Test
	void theProjectsIntegrationIsRegistered() {
		assertThat(ServiceLoader.load(BlockHoundIntegration.class).stream().map(ServiceLoader.Provider::type))
			.as("allowances added to it reach BlockHound")
			.contains(SwitchboardBlockHoundIntegration.class);
	}

}
