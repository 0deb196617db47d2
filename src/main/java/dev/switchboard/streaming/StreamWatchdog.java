package dev.switchboard.streaming;

import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

/**
 * Watches one stream with a single timer: it asks for a keep-alive ping after a silence of the keep-alive interval,
 * and stops the stream after a silence longer than its idle timeout or when its request's deadline passes. A
 * per-event timeout would schedule and cancel a timer for every event; this one only notes the time of each event,
 * and its timer, when it fires early, sleeps again until something could be due.
 */
public final class StreamWatchdog {

	/** What the watchdog asks for. */
	public enum Alarm {

		/** Send a keep-alive comment: nothing was sent for the keep-alive interval. */
		PING,

		/** Stop: no event for longer than the idle timeout. */
		IDLE,

		/** Stop: the request's deadline passed. */
		DEADLINE

	}

	private final long idleNanos;

	private final long pingNanos;

	private final long deadlineNanos;

	private volatile long lastEventNanos = System.nanoTime();

	private volatile long lastSentNanos = this.lastEventNanos;

	private volatile boolean stopped;

	private volatile FluxSink<Alarm> sink;

	/**
	 * @param idleNanos the longest silence allowed
	 * @param pingNanos the silence after which a keep-alive ping is sent; 0 for none
	 * @param deadlineNanos the {@link System#nanoTime()} at which the request's deadline passes
	 */
	public StreamWatchdog(long idleNanos, long pingNanos, long deadlineNanos) {
		this.idleNanos = idleNanos;
		this.pingNanos = pingNanos;
		this.deadlineNanos = deadlineNanos;
	}

	/** Notes that an event arrived (and is being sent). */
	public void touch() {
		long now = System.nanoTime();
		this.lastEventNanos = now;
		this.lastSentNanos = now;
	}

	/** The stream is over: the alarms complete. */
	public void stop() {
		this.stopped = true;
		FluxSink<Alarm> current = this.sink;
		if (current != null) {
			current.complete();
		}
	}

	/**
	 * Pings while the stream is quiet, then {@link Alarm#IDLE} or {@link Alarm#DEADLINE} as the last signal; or just
	 * completes when {@link #stop()} is called first. Cancel to stop watching. Subscribe once.
	 */
	public Flux<Alarm> alarms(Scheduler timers) {
		return Flux.create(sink -> {
			Disposable.Swap timer = Disposables.swap();
			sink.onDispose(timer);
			this.sink = sink;
			if (this.stopped) {
				sink.complete();
				return;
			}
			check(sink, timers, timer);
		});
	}

	private void check(FluxSink<Alarm> sink, Scheduler timers, Disposable.Swap timer) {
		if (this.stopped || sink.isCancelled()) {
			return;
		}
		long now = System.nanoTime();
		if (now - this.deadlineNanos >= 0) {
			sink.next(Alarm.DEADLINE);
			sink.complete();
			return;
		}
		long idleAt = this.lastEventNanos + this.idleNanos;
		if (now - idleAt >= 0) {
			sink.next(Alarm.IDLE);
			sink.complete();
			return;
		}
		long wakeAt = (idleAt - this.deadlineNanos < 0) ? idleAt : this.deadlineNanos;
		if (this.pingNanos > 0) {
			long pingAt = this.lastSentNanos + this.pingNanos;
			if (now - pingAt >= 0) {
				this.lastSentNanos = now;
				sink.next(Alarm.PING);
				pingAt = now + this.pingNanos;
			}
			wakeAt = (pingAt - wakeAt < 0) ? pingAt : wakeAt;
		}
		timer.update(timers.schedule(() -> check(sink, timers, timer), wakeAt - now, TimeUnit.NANOSECONDS));
	}

}
