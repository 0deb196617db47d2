package dev.switchboard.testsupport;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

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
			.expectErrorSatisfies((error) -> org.assertj.core.api.Assertions.assertThat(error)
				.as("BlockHound must be on: Thread.sleep on a parallel thread is a blocking call")
				.isInstanceOf(BlockingOperationError.class)
				.hasMessageContaining("java.lang.Thread.sleep"))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void threadSleepOnABoundedElasticThreadIsAllowed() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(10);
			return 1;
		}).subscribeOn(Schedulers.boundedElastic());

		StepVerifier.create(blocking).expectNext(1).expectComplete().verify(Duration.ofSeconds(5));
	}

}
