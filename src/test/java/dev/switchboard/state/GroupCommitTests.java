package dev.switchboard.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One call at a time; what arrives meanwhile goes in the next, each answered from its own result. */
class GroupCommitTests {

	@Test
	void whatArrivesWhileACallRunsGoesInTheNextOneTogether() {
		List<List<Integer>> calls = new CopyOnWriteArrayList<>();
		List<Sinks.One<List<Integer>>> answers = new CopyOnWriteArrayList<>();
		GroupCommit<Integer, Integer> commit = new GroupCommit<>(batch -> {
			List<Integer> items = batch.stream().map(GroupCommit.Submission::item).toList();
			calls.add(items);
			Sinks.One<List<Integer>> answer = Sinks.one();
			answers.add(answer);
			return answer.asMono();
		}, item -> 1, 100, Duration.ofMillis(300));
		List<Integer> results = new CopyOnWriteArrayList<>();
		commit.submit(1).subscribe(results::add);
		commit.submit(2).subscribe(results::add);
		commit.submit(3).subscribe(results::add);
		assertThat(calls).as("the first goes at once, the others wait for it").containsExactly(List.of(1));
		answers.get(0).tryEmitValue(List.of(10));
		assertThat(calls).containsExactly(List.of(1), List.of(2, 3));
		answers.get(1).tryEmitValue(List.of(20, 30));
		assertThat(results).containsExactly(10, 20, 30);
	}

	@Test
	void aBatchIsBoundedByWeight() {
		List<List<Integer>> calls = new ArrayList<>();
		List<Sinks.One<List<Integer>>> answers = new ArrayList<>();
		GroupCommit<Integer, Integer> commit = new GroupCommit<>(batch -> {
			calls.add(batch.stream().map(GroupCommit.Submission::item).toList());
			Sinks.One<List<Integer>> answer = Sinks.one();
			answers.add(answer);
			return answer.asMono();
		}, item -> item, 5, Duration.ofMillis(300));
		for (int item : new int[] { 1, 3, 3, 9, 1 }) {
			commit.submit(item).subscribe();
		}
		answers.get(0).tryEmitValue(List.of(0));
		answers.get(1).tryEmitValue(List.of(0, 0));
		answers.get(2).tryEmitValue(List.of(0));
		assertThat(calls).as("3 + 3 is over 5; a 9 goes alone").containsExactly(List.of(1), List.of(3, 3), List.of(9),
				List.of(1));
	}

	@Test
	void aFailedCallFailsItsBatchAndTheNextCallStillGoes() {
		List<Integer> sizes = new ArrayList<>();
		GroupCommit<Integer, Integer> commit = new GroupCommit<>(batch -> {
			sizes.add(batch.size());
			return (batch.get(0).item() < 0) ? Mono.error(new IllegalStateException("refused"))
					: Mono.just(batch.stream().map(GroupCommit.Submission::item).toList());
		}, item -> 1, 10, Duration.ofMillis(300));
		assertThatThrownBy(() -> commit.submit(-1).block()).hasMessage("refused");
		assertThat(commit.submit(7).block()).isEqualTo(7);
		assertThat(sizes).containsExactly(1, 1);
	}

	@Test
	void aNullResultOrAnEmptyCallCompletesEmpty() {
		GroupCommit<Integer, Integer> nulls = new GroupCommit<>(batch -> {
			List<Integer> results = new ArrayList<>();
			results.add(null);
			return Mono.just(results);
		}, item -> 1, 10, Duration.ofMillis(300));
		assertThat(nulls.submit(1).blockOptional()).isEmpty();
		GroupCommit<Integer, Integer> empty = new GroupCommit<>(batch -> Mono.empty(), item -> 1, 10,
				Duration.ofMillis(300));
		assertThat(empty.submit(1).blockOptional()).isEmpty();
	}

	@Test
	void aLaterSubmissionRidesWithTheNextCallOrGoesAloneAfterItsLinger() {
		List<List<Integer>> calls = new CopyOnWriteArrayList<>();
		GroupCommit<Integer, Integer> commit = new GroupCommit<>(batch -> {
			List<Integer> items = batch.stream().map(GroupCommit.Submission::item).toList();
			calls.add(items);
			return Mono.just(items);
		}, item -> 1, 10, Duration.ofMillis(300));
		commit.submitLater(1).subscribe();
		assertThat(calls).as("waits for a call to carry it").isEmpty();
		assertThat(commit.submit(2).block()).isEqualTo(2);
		assertThat(calls).containsExactly(List.of(1, 2));
		// nothing else comes: it goes on its own once the linger has passed
		assertThat(commit.submitLater(3).blockOptional(Duration.ofSeconds(5))).contains(3);
		assertThat(calls).containsExactly(List.of(1, 2), List.of(3));
	}

	@Test
	void aCancelledSubmissionIsStillSentAndItsResultGoesToUndelivered() {
		List<Boolean> cancelled = new CopyOnWriteArrayList<>();
		List<String> undelivered = new CopyOnWriteArrayList<>();
		Sinks.One<List<Integer>> answer = Sinks.one();
		GroupCommit<Integer, Integer> commit = new GroupCommit<>(batch -> answer.asMono()
			.doOnNext(results -> batch.forEach(submission -> cancelled.add(submission.cancelled()))), item -> 1, 10,
				Duration.ofMillis(300), (item, result) -> undelivered.add(item + "->" + result));
		commit.submit(1).subscribe().dispose();
		answer.tryEmitValue(List.of(7));
		assertThat(cancelled).containsExactly(true);
		assertThat(undelivered).containsExactly("1->7");
	}

	@Test
	void aResultIsDeliveredOrUndeliveredOnTheSubmittersLoopNeverNeither() throws Exception {
		io.netty.channel.DefaultEventLoop loop = new io.netty.channel.DefaultEventLoop();
		try {
			List<String> seen = new CopyOnWriteArrayList<>();
			Sinks.One<List<Integer>> answer = Sinks.one();
			GroupCommit<Integer, Integer> commit = new GroupCommit<>(batch -> answer.asMono(), item -> 1, 10,
					Duration.ofMillis(300), (item, result) -> seen.add("undelivered " + result));
			java.util.concurrent.CompletableFuture<reactor.core.Disposable> subscribed = new java.util.concurrent.CompletableFuture<>();
			loop.execute(() -> subscribed.complete(commit.submit(1).subscribe(result -> seen.add("delivered " + result))));
			reactor.core.Disposable request = subscribed.get(5, java.util.concurrent.TimeUnit.SECONDS);
			// the answer comes from another thread and is handed to the loop; the cancel is the loop's next task,
			// before that delivery
			loop.execute(request::dispose);
			answer.tryEmitValue(List.of(7));
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
			assertThat(seen).containsExactly("undelivered 7");
		}
		finally {
			loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
		}
	}

}
