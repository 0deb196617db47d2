package dev.switchboard.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Timers on the calling event loop. Reactor's timeouts schedule on {@link Schedulers#parallel()} by default: a
 * shared, locked delay queue served by other threads, which a gateway pays for several times per request (deadline,
 * first-byte and idle timeouts). A Netty event loop schedules its own timers in a queue only it touches, and fires
 * them on the thread that serves the connection, so the timeout and the I/O it guards never race across threads.
 */
public final class EventLoopTimers {

	private static final Map<EventExecutor, Scheduler> SCHEDULERS = new ConcurrentHashMap<>();

	private EventLoopTimers() {
	}

	/** The current event loop as a Reactor scheduler; off an event loop (tests, start-up), the parallel scheduler. */
	public static Scheduler current() {
		EventExecutor executor = ThreadExecutorMap.currentExecutor();
		if (executor == null) {
			return Schedulers.parallel();
		}
		return SCHEDULERS.computeIfAbsent(executor, loop -> Schedulers.fromExecutorService(loop, "switchboard-timers"));
	}

}
