package dev.switchboard.streaming;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class StreamWatchdogTests {

	private static final long MS = 1_000_000;

	@Test
	void ringsIdleWhenNoEventComesWithinTheIdleTimeout() {
		StreamWatchdog watchdog = new StreamWatchdog(200 * MS, 0, System.nanoTime() + 60_000 * MS);

		StepVerifier.create(watchdog.alarms(Schedulers.parallel()))
			.expectNext(StreamWatchdog.Alarm.IDLE)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void staysQuietWhileEventsKeepComingAndRingsOnceTheyStop() {
		StreamWatchdog watchdog = new StreamWatchdog(300 * MS, 0, System.nanoTime() + 60_000 * MS);
		long start = System.nanoTime();
		// an event every 100 ms for a second, well inside the 300 ms idle timeout
		Flux.interval(Duration.ofMillis(100)).take(10).subscribe(tick -> watchdog.touch());

		StepVerifier.create(watchdog.alarms(Schedulers.parallel()))
			.expectNext(StreamWatchdog.Alarm.IDLE)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		long elapsedMillis = (System.nanoTime() - start) / MS;
		org.assertj.core.api.Assertions.assertThat(elapsedMillis)
			.as("the alarm waits for the events to stop, then for the idle timeout")
			.isGreaterThanOrEqualTo(1000 + 300 - 50);
	}

	@Test
	void asksForPingsWhileTheStreamIsSilentThenStopsItAtTheIdleTimeout() {
		StreamWatchdog watchdog = new StreamWatchdog(1000 * MS, 300 * MS, System.nanoTime() + 60_000 * MS);

		StepVerifier.create(watchdog.alarms(Schedulers.parallel()))
			.expectNext(StreamWatchdog.Alarm.PING, StreamWatchdog.Alarm.PING, StreamWatchdog.Alarm.PING)
			.expectNext(StreamWatchdog.Alarm.IDLE)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void completesWithoutAnAlarmWhenTheStreamEnds() {
		StreamWatchdog watchdog = new StreamWatchdog(1000 * MS, 0, System.nanoTime() + 60_000 * MS);
		Schedulers.parallel().schedule(watchdog::stop, 100, java.util.concurrent.TimeUnit.MILLISECONDS);

		StepVerifier.create(watchdog.alarms(Schedulers.parallel())).expectComplete().verify(Duration.ofSeconds(5));
	}

	@Test
	void ringsDeadlineWhenTheDeadlineComesFirst() {
		StreamWatchdog watchdog = new StreamWatchdog(60_000 * MS, 0, System.nanoTime() + 200 * MS);

		StepVerifier.create(watchdog.alarms(Schedulers.parallel()))
			.expectNext(StreamWatchdog.Alarm.DEADLINE)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aCancelledWatchdogNeverRings() throws InterruptedException {
		StreamWatchdog watchdog = new StreamWatchdog(100 * MS, 0, System.nanoTime() + 60_000 * MS);
		java.util.concurrent.atomic.AtomicBoolean rang = new java.util.concurrent.atomic.AtomicBoolean();

		watchdog.alarms(Schedulers.parallel()).subscribe(alarm -> rang.set(true)).dispose();
		Thread.sleep(400);

		org.assertj.core.api.Assertions.assertThat(rang).as("the stream ended before the idle timeout").isFalse();
	}

}
