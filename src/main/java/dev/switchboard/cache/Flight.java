package dev.switchboard.cache;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One upstream call that identical requests share: its leader's answer as it comes, for the followers that joined.
 * <p>
 * Three signals, each emitted once by the leader's capture: {@link #started} (the answer is a success and will be
 * shared, and whether it is a stream), {@link #events} (a stream's events from the first, replayed to each follower
 * that joins later, then live), and {@link #done} (the whole answer, once stored). A leader that fails, leaves, or
 * has an answer that must not be shared fails each signal not yet emitted with {@link LeaderFailed}; a follower
 * that has received nothing makes its own attempt then, and a stream follower cut mid-way gets the in-band error.
 * A stream that ended whole but will not be stored ends whole for its followers ({@link #endEvents}) and fails only
 * {@link #done}.
 * A follower's leaving cancels only its own subscription: the leader never learns of it.
 */
final class Flight {

	private final String key;

	private final Sinks.One<Head> started = Sinks.one();

	private final Sinks.Many<byte[]> events = Sinks.many().replay().all();

	private final Sinks.One<CachedAnswer> done = Sinks.one();

	private volatile boolean eventsEnded;

	Flight(String key) {
		this.key = key;
	}

	String key() {
		return this.key;
	}

	/** What the leader's answer is; an error when the leader failed before its answer. */
	Mono<Head> started() {
		return this.started.asMono();
	}

	/** A stream's events from the first; ends with the stream, or fails when it was cut. */
	Flux<byte[]> events() {
		return this.events.asFlux();
	}

	/** The whole answer; an error when it will not come. */
	Mono<CachedAnswer> done() {
		return this.done.asMono();
	}

	// the leader's side: one stream of signals, from one thread at a time

	void start(Head head) {
		this.started.tryEmitValue(head);
	}

	void event(byte[] event) {
		this.events.tryEmitNext(event);
	}

	/**
	 * The leader's stream ended with its terminal event: followers have it whole, whether or not it is then stored
	 * (too large, marked for its client only, an in-band error inside it).
	 */
	void endEvents() {
		this.eventsEnded = true;
		this.events.tryEmitComplete();
	}

	/**
	 * Whether the leader's stream has ended: a request that joins now waits for the stored answer rather than the
	 * replayed stream, so that it never gets an answer that turns out not to be stored (an in-band error inside it,
	 * marked for its client) as if it were.
	 */
	boolean eventsEnded() {
		return this.eventsEnded;
	}

	void succeed(CachedAnswer answer) {
		this.started.tryEmitValue(new Head(answer.stream(), answer.contentType(), answer.provider(), answer.model()));
		this.events.tryEmitComplete();
		this.done.tryEmitValue(answer);
	}

	/** The answer will not be shared; {@code reason} is for the followers' logs. */
	void fail(String reason) {
		LeaderFailed failure = new LeaderFailed(reason);
		this.started.tryEmitError(failure);
		this.events.tryEmitError(failure);
		this.done.tryEmitError(failure);
	}

	/**
	 * What a follower needs before the answer's body.
	 *
	 * @param stream whether the leader's answer is a stream
	 * @param contentType its content type
	 * @param provider the provider answering
	 * @param model the model answering
	 */
	record Head(boolean stream, String contentType, String provider, String model) {
	}

	/** The leader's answer will not be shared: the follower is on its own. */
	static final class LeaderFailed extends RuntimeException {

		LeaderFailed(String reason) {
			super(reason, null, false, false);
		}

	}

}
