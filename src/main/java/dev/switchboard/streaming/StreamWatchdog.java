package dev.switchboard.streaming;

import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * Watches one stream for silence longer than its idle timeout and for the end of its request's deadline, with a
 * single timer. A per-event timeout would schedule and cancel a timer for every event; this one only notes the time
 * of each event, and its timer, when it fires early, sleeps again until the silence could be long enough.
 */
public final class StreamWatchdog {

	/** Why the watchdog stopped a stream. */
	public enum Alarm {

		/** No event for longer than the idle timeout. */
		IDLE,

		/** The request's deadline passed. */
		DEADLINE

	}

	private final long idleNanos;

	private final long deadlineNanos;

	private volatile long lastEventNanos = System.nanoTime();

	/**
	 * @param idleNanos the longest silence allowed
	 * @param deadlineNanos the {@link System#nanoTime()} at which the request's deadline passes
	 */
	public StreamWatchdog(long idleNanos, long deadlineNanos) {
		this.idleNanos = idleNanos;
		this.deadlineNanos = deadlineNanos;
	}

	/** Notes that an event arrived. */
	public void touch() {
		this.lastEventNanos = System.nanoTime();
	}

	/** Emits the alarm when the stream has been silent too long or the deadline passes; cancel to stop watching. */
	public Mono<Alarm> alarm(Scheduler timers) {
		return Mono.create(sink -> {
			Disposable.Swap timer = reactor.core.Disposables.swap();
			sink.onDispose(timer);
			check(sink, timers, timer);
		});
	}

	private void check(MonoSink<Alarm> sink, Scheduler timers, Disposable.Swap timer) {
		long now = System.nanoTime();
		if (now - this.deadlineNanos >= 0) {
			sink.success(Alarm.DEADLINE);
			return;
		}
		long idleAt = this.lastEventNanos + this.idleNanos;
		if (now - idleAt >= 0) {
			sink.success(Alarm.IDLE);
			return;
		}
		long wakeAt = (idleAt - this.deadlineNanos < 0) ? idleAt : this.deadlineNanos;
		timer.update(timers.schedule(() -> check(sink, timers, timer), wakeAt - now, TimeUnit.NANOSECONDS));
	}

}
