package dev.switchboard.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import io.netty.util.internal.ThreadExecutorMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * Calls to a store made one at a time, with what was submitted while one ran gathered into the next (a group
 * commit). At a low rate each submission is a call of its own, sent at once; under load the store sees one call per
 * round trip instead of one per submission, which saves it (and this process) the cost of every call but the work.
 * <p>
 * {@code call} gets the batch in submission order and answers one result per submission, in the same order (a
 * {@code null} result completes its submission empty). A call
 * that fails fails every submission of its batch; one that completes empty completes each submission empty. A
 * submission whose subscriber cancelled is still sent (it may be in the batch already); its result goes to
 * {@code undelivered}, which can undo its effect. Which of the two a result meets is decided where it is delivered,
 * on the submitter's event loop, where the cancel happens too: a result is either seen by its submitter or undone,
 * never neither.
 *
 * @param <I> what is submitted
 * @param <O> what each submission is answered
 */
public final class GroupCommit<I, O> {

	private final Function<List<Submission<I>>, Mono<List<O>>> call;

	private final ToIntFunction<I> weight;

	private final int maxWeight;

	private final Duration linger;

	private final BiConsumer<I, O> undelivered;

	private final Queue<Submission<I>> queued = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean sending = new AtomicBoolean();

	private final AtomicBoolean lingering = new AtomicBoolean();

	/**
	 * @param call one call to the store for a batch
	 * @param weight what a submission weighs (the keys it touches, say)
	 * @param maxWeight the most a batch weighs, unless a single submission weighs more
	 * @param linger how long a {@link #submitLater} submission waits for a call to ride with
	 */
	public GroupCommit(Function<List<Submission<I>>, Mono<List<O>>> call, ToIntFunction<I> weight, int maxWeight,
			Duration linger) {
		this(call, weight, maxWeight, linger, (item, result) -> {
		});
	}

	/**
	 * @param undelivered gets each result whose submitter had cancelled when it was answered (with the item), on the
	 * submitter's event loop
	 */
	public GroupCommit(Function<List<Submission<I>>, Mono<List<O>>> call, ToIntFunction<I> weight, int maxWeight,
			Duration linger, BiConsumer<I, O> undelivered) {
		this.call = call;
		this.weight = weight;
		this.maxWeight = maxWeight;
		this.linger = linger;
		this.undelivered = undelivered;
	}

	/** Submits {@code item} for the next call; completes with its result when that call has answered. */
	public Mono<O> submit(I item) {
		return Mono.create(sink -> {
			Submission<I> submission = new Submission<>(item, sink, ThreadExecutorMap.currentExecutor());
			sink.onCancel(submission::cancel);
			this.queued.add(submission);
			drain();
		});
	}

	/**
	 * Submits {@code item} to ride along with the next call that something else starts, waiting at most the linger
	 * for one: for work nobody waits for, which then costs no call of its own under load.
	 */
	public Mono<O> submitLater(I item) {
		return Mono.create(sink -> {
			this.queued.add(new Submission<>(item, sink, null));
			if (this.lingering.compareAndSet(false, true)) {
				Schedulers.parallel().schedule(() -> {
					this.lingering.set(false);
					drain();
				}, this.linger.toNanos(), TimeUnit.NANOSECONDS);
			}
		});
	}

	/** Whether nothing is queued or being sent. */
	public boolean idle() {
		return this.queued.isEmpty() && !this.sending.get();
	}

	private void drain() {
		if (!this.sending.compareAndSet(false, true)) {
			return;
		}
		List<Submission<I>> batch = new ArrayList<>();
		int total = 0;
		Submission<I> next;
		while ((batch.isEmpty() || total < this.maxWeight) && (next = this.queued.poll()) != null) {
			batch.add(next);
			total += this.weight.applyAsInt(next.item());
		}
		if (batch.isEmpty()) {
			this.sending.set(false);
			// a submission that queued after the poll and before the flag went down
			if (!this.queued.isEmpty()) {
				drain();
			}
			return;
		}
		Mono<List<O>> answer;
		try {
			answer = this.call.apply(batch);
		}
		catch (RuntimeException ex) {
			answer = Mono.error(ex);
		}
		AtomicBoolean answered = new AtomicBoolean();
		answer.subscribe(results -> {
			answered.set(true);
			if (results.size() != batch.size()) {
				IllegalStateException wrong = new IllegalStateException(
						results.size() + " results for a batch of " + batch.size());
				batch.forEach(submission -> submission.sink().error(wrong));
				return;
			}
			for (int i = 0; i < batch.size(); i++) {
				batch.get(i).answer(results.get(i), this.undelivered);
			}
		}, failure -> {
			batch.forEach(submission -> submission.sink().error(failure));
			next();
		}, () -> {
			if (!answered.get()) {
				// a call that answers nothing: each submission completes empty
				batch.forEach(submission -> submission.sink().success());
			}
			next();
		});
	}

	private void next() {
		this.sending.set(false);
		if (!this.queued.isEmpty()) {
			drain();
		}
	}

	/** What was submitted, and who waits for its result. */
	public static final class Submission<I> {

		private final I item;

		private final MonoSink<?> sink;

		private final @Nullable Executor loop;

		private volatile boolean cancelled;

		Submission(I item, MonoSink<?> sink, @Nullable Executor loop) {
			this.item = item;
			this.sink = sink;
			this.loop = loop;
		}

		public I item() {
			return this.item;
		}

		/** Whether the submitter stopped waiting: nobody will see this submission's result. */
		public boolean cancelled() {
			return this.cancelled;
		}

		void cancel() {
			this.cancelled = true;
		}

		/**
		 * Answered on the event loop it was submitted from, where its request lives: the call's answer comes on the
		 * store client's thread, which would otherwise carry every request of a batch on, one after another, each
		 * writing to a connection of another thread.
		 */
		<O> void answer(@Nullable O result, BiConsumer<I, O> undelivered) {
			if (this.loop == null) {
				deliver(result, undelivered);
				return;
			}
			try {
				this.loop.execute(() -> deliver(result, undelivered));
			}
			catch (RejectedExecutionException ex) {
				deliver(result, undelivered); // the loop is shutting down
			}
		}

		@SuppressWarnings("unchecked")
		private <O> void deliver(@Nullable O result, BiConsumer<I, O> undelivered) {
			if (this.cancelled) {
				if (result != null) {
					undelivered.accept(this.item, result);
				}
				return;
			}
			((MonoSink<O>) this.sink).success(result);
		}

		@SuppressWarnings("unchecked")
		<O> MonoSink<O> sink() {
			return (MonoSink<O>) this.sink;
		}

	}

}
