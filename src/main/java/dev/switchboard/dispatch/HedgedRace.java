package dev.switchboard.dispatch;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * A hedged request: the current target's attempts ({@code first}) get a head start; if they have not answered by
 * then, the rest of the route ({@code next}) starts alongside them. The first answer wins and the other side is
 * cancelled, which closes its upstream connection. When one side gives up the other is waited for, and when
 * {@code first} gives up before the head start is over, {@code next} starts at once, as a plain fallback would.
 * <p>
 * The sides answer on their connections' event loops and the timer fires on another: every decision is taken under
 * the race's lock, and every action (emitting, cancelling, discarding) runs after it is released.
 */
final class HedgedRace implements Disposable {

	/** Who won a hedged race, for the metrics. */
	enum Outcome {

		/** The current target answered after the hedge had started. */
		ORIGINAL_WON,

		/** The hedge (a later target) answered first. */
		HEDGE_WON,

		/** Neither side answered. */
		NONE_ANSWERED

	}

	/** Told when a hedge starts and, for a started hedge, how the race ended. */
	interface Listener {

		void hedged();

		void ended(Outcome outcome);

	}

	private final MonoSink<Answer> sink;

	private final Mono<Answer> next;

	private final BooleanSupplier mayHedge;

	private final Listener listener;

	private @Nullable Disposable firstSide;

	private @Nullable Disposable nextSide;

	private @Nullable Disposable timer;

	private boolean firstDone;

	private boolean nextStarted;

	private boolean nextDone;

	private boolean settled;

	/** Whether {@code next} started while {@code first} was still running. */
	private boolean hedged;

	private HedgedRace(MonoSink<Answer> sink, Mono<Answer> next, BooleanSupplier mayHedge, Listener listener) {
		this.sink = sink;
		this.next = next;
		this.mayHedge = mayHedge;
		this.listener = listener;
	}

	/**
	 * @param first the current target's attempts; empty when it is given up on
	 * @param next the rest of the route; empty when every later target failed
	 * @param headStart how long {@code first} runs alone
	 * @param mayHedge asked when the head start is over: whether a hedge may still start
	 */
	static Mono<Answer> race(Mono<Answer> first, Mono<Answer> next, Duration headStart, Scheduler timers,
			BooleanSupplier mayHedge, Listener listener) {
		return Mono.create(sink -> {
			HedgedRace race = new HedgedRace(sink, next, mayHedge, listener);
			sink.onDispose(race);
			Disposable side = first.subscribe(race::firstAnswered, race::failed, race::firstGaveUp);
			Disposable timer = timers.schedule(race::headStartOver, headStart.toNanos(), TimeUnit.NANOSECONDS);
			boolean over;
			synchronized (race) {
				race.firstSide = side;
				race.timer = timer;
				over = race.settled;
			}
			if (over) {
				side.dispose();
				timer.dispose();
			}
		});
	}

	private void headStartOver() {
		synchronized (this) {
			if (this.settled || this.nextStarted || this.firstDone || !this.mayHedge.getAsBoolean()) {
				return;
			}
			this.nextStarted = true;
			this.hedged = true;
		}
		this.listener.hedged();
		startNext();
	}

	private void firstGaveUp() {
		boolean start;
		boolean empty;
		synchronized (this) {
			if (this.settled) {
				return;
			}
			this.firstDone = true;
			start = !this.nextStarted;
			this.nextStarted = true;
			empty = this.nextDone;
			this.settled = empty;
		}
		if (start) {
			cancel(this.timer);
			startNext();
		}
		else if (empty) {
			end(Outcome.NONE_ANSWERED);
			this.sink.success();
		}
	}

	private void nextGaveUp() {
		boolean empty;
		synchronized (this) {
			if (this.settled) {
				return;
			}
			this.nextDone = true;
			empty = this.firstDone;
			this.settled = empty;
		}
		if (empty) {
			end(Outcome.NONE_ANSWERED);
			this.sink.success();
		}
	}

	private void startNext() {
		Disposable side = this.next.subscribe(this::nextAnswered, this::failed, this::nextGaveUp);
		boolean over;
		synchronized (this) {
			this.nextSide = side;
			over = this.settled;
		}
		if (over) {
			// decided while subscribing; a side that already answered is not affected by this
			side.dispose();
		}
	}

	private void firstAnswered(Answer answer) {
		won(answer, true);
	}

	private void nextAnswered(Answer answer) {
		won(answer, false);
	}

	private void won(Answer answer, boolean first) {
		boolean late;
		Disposable loser = null;
		synchronized (this) {
			late = this.settled;
			if (!late) {
				this.settled = true;
				loser = first ? this.nextSide : this.firstSide;
			}
		}
		if (late) {
			// both answered at once, or the race was cancelled: this answer is never read
			answer.discard();
			return;
		}
		cancel(loser);
		cancel(this.timer);
		end(first ? Outcome.ORIGINAL_WON : Outcome.HEDGE_WON);
		this.sink.success(answer);
	}

	private void failed(Throwable failure) {
		synchronized (this) {
			if (this.settled) {
				return;
			}
			this.settled = true;
		}
		dispose();
		this.sink.error(failure);
	}

	private void end(Outcome outcome) {
		boolean report;
		synchronized (this) {
			report = this.hedged;
		}
		if (report) {
			this.listener.ended(outcome);
		}
	}

	/** Cancels whatever still runs: both sides and the timer. */
	@Override
	public void dispose() {
		Disposable first;
		Disposable next;
		Disposable timer;
		synchronized (this) {
			this.settled = true;
			first = this.firstSide;
			next = this.nextSide;
			timer = this.timer;
		}
		cancel(first);
		cancel(next);
		cancel(timer);
	}

	private static void cancel(@Nullable Disposable disposable) {
		if (disposable != null) {
			disposable.dispose();
		}
	}

}
