package dev.switchboard.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderType;
import dev.switchboard.provider.mock.MockAdapter;
import dev.switchboard.routing.Target;
import dev.switchboard.streaming.SseEventFramer;
import dev.switchboard.streaming.StreamEnd;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import static org.assertj.core.api.Assertions.assertThat;

/** The race of a hedged request, on virtual time: who starts when, who wins, what is cancelled. */
class HedgedRaceTests {

	private static final Duration HEAD_START = Duration.ofMillis(200);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final List<String> events = new ArrayList<>();

	private final HedgedRace.Listener listener = new HedgedRace.Listener() {

		@Override
		public void hedged() {
			HedgedRaceTests.this.events.add("hedged");
		}

		@Override
		public void ended(HedgedRace.Outcome outcome) {
			HedgedRaceTests.this.events.add(outcome.name());
		}

	};

	@Test
	void theNextSideStartsOnlyAfterTheHeadStartAndTheFirstAnswerWins() {
		Side first = new Side();
		Side next = new Side();

		StepVerifier.create(race(first, next, () -> true))
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(199)))
			.then(() -> assertThat(next.subscribed).isFalse())
			.then(() -> this.time.advanceTimeBy(Duration.ofMillis(1)))
			.then(() -> assertThat(next.subscribed).isTrue())
			.then(() -> next.answer("next"))
			.assertNext(answer -> assertThat(answer.target().model()).isEqualTo("next"))
			.verifyComplete();

		assertThat(first.cancelled).as("the loser is cancelled").isTrue();
		assertThat(this.events).containsExactly("hedged", "HEDGE_WON");
	}

	@Test
	void aFirstSideGivingUpEarlyStartsTheNextAtOnceWithoutAHedge() {
		Side first = new Side();
		Side next = new Side();

		StepVerifier.create(race(first, next, () -> true))
			.then(first::giveUp)
			.then(() -> assertThat(next.subscribed).isTrue())
			.then(() -> next.answer("next"))
			.assertNext(answer -> assertThat(answer.target().model()).isEqualTo("next"))
			.verifyComplete();

		assertThat(this.events).as("a plain fallback").isEmpty();
	}

	@Test
	void whenTheHedgeGivesUpTheFirstSideIsStillWaitedFor() {
		Side first = new Side();
		Side next = new Side();

		StepVerifier.create(race(first, next, () -> true))
			.then(() -> this.time.advanceTimeBy(HEAD_START))
			.then(next::giveUp)
			.then(() -> first.answer("first"))
			.assertNext(answer -> assertThat(answer.target().model()).isEqualTo("first"))
			.verifyComplete();

		assertThat(this.events).containsExactly("hedged", "ORIGINAL_WON");
	}

	@Test
	void whenBothGiveUpTheRaceIsEmpty() {
		Side first = new Side();
		Side next = new Side();

		StepVerifier.create(race(first, next, () -> true))
			.then(() -> this.time.advanceTimeBy(HEAD_START))
			.then(first::giveUp)
			.then(next::giveUp)
			.verifyComplete();

		assertThat(this.events).containsExactly("hedged", "NONE_ANSWERED");
	}

	@Test
	void noHedgeStartsOnceItIsNoLongerAllowed() {
		Side first = new Side();
		Side next = new Side();

		StepVerifier.create(race(first, next, () -> false))
			.then(() -> this.time.advanceTimeBy(Duration.ofSeconds(5)))
			.then(() -> assertThat(next.subscribed).isFalse())
			.then(() -> first.answer("first"))
			.expectNextCount(1)
			.verifyComplete();
	}

	@Test
	void cancellingTheRaceCancelsBothSides() {
		Side first = new Side();
		Side next = new Side();

		StepVerifier.create(race(first, next, () -> true))
			.then(() -> this.time.advanceTimeBy(HEAD_START))
			.thenCancel()
			.verify();

		assertThat(first.cancelled).isTrue();
		assertThat(next.cancelled).isTrue();
	}

	@Test
	void aDiscardedStreamAnswerReleasesItsHeldEventAndCancelsItsBody() {
		// what the race does with an answer that comes in the same instant as the winner
		AtomicBoolean bodyCancelled = new AtomicBoolean();
		ByteBuf heldEvent = Unpooled.copiedBuffer("data: late\n\n", java.nio.charset.StandardCharsets.US_ASCII);
		Answer late = new Answer(target("late"), 200, new DefaultHttpHeaders(),
				Flux.just(heldEvent).concatWith(Flux.never()).doOnCancel(() -> bodyCancelled.set(true)),
				new SseEventFramer(StreamEnd.OPENAI_CHAT));

		late.discard();

		assertThat(heldEvent.refCnt()).isZero();
		assertThat(bodyCancelled).isTrue();
	}

	private Mono<Answer> race(Side first, Side next, java.util.function.BooleanSupplier mayHedge) {
		return HedgedRace.race(first.mono(), next.mono(), HEAD_START, this.time, mayHedge, this.listener);
	}

	private static Answer answer(String model) {
		return new Answer(target(model), 200, new DefaultHttpHeaders(), Flux.empty(), null);
	}

	private static Target target(String model) {
		Provider provider = new Provider("p", ProviderType.MOCK, Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(),
				new MockAdapter(), CircuitBreaker.ofDefaults("p"));
		return Target.of(provider, model);
	}

	/** One side of the race, answered by the test. */
	private static final class Side {

		private final Sinks.One<Answer> sink = Sinks.one();

		private boolean subscribed;

		private boolean cancelled;

		Mono<Answer> mono() {
			return this.sink.asMono().doOnSubscribe(s -> this.subscribed = true).doOnCancel(() -> this.cancelled = true);
		}

		void answer(String model) {
			this.sink.tryEmitValue(HedgedRaceTests.answer(model));
		}

		void giveUp() {
			this.sink.tryEmitEmpty();
		}

	}

}
