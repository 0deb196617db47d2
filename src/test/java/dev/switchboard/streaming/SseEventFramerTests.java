package dev.switchboard.streaming;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SseEventFramer} and the terminal-event detection of {@link StreamEnd}. Every buffer handed to the framer is
 * recorded, and after each test every one of them must have been released exactly once: a leak or a double release
 * fails the test.
 */
class SseEventFramerTests {

	private static final String CONTENT = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n";

	private static final String FINISH = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";

	private static final String DONE = "data: [DONE]\n\n";

	private final List<ByteBuf> given = new ArrayList<>();

	@AfterEach
	void everyBufferGivenToTheFramerWasReleased() {
		for (ByteBuf buffer : this.given) {
			assertThat(buffer.refCnt()).as("each upstream buffer is released once the framer's output is released")
				.isZero();
		}
	}

	@Test
	void emitsWholeEventsInOrderWhenTheStreamIsSplitAtAnyBytePosition() {
		String stream = CONTENT + FINISH + DONE;
		for (int split = 1; split < stream.length(); split++) {
			SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
			List<String> out = new ArrayList<>();
			emit(out, framer.next(chunk(stream.substring(0, split))));
			emit(out, framer.next(chunk(stream.substring(split))));
			framer.release();
			assertThat(out).as("split at %d: each output holds whole events only", split)
				.allSatisfy(text -> assertThat(text).endsWith("\n\n"));
			assertThat(String.join("", out)).as("split at %d: every byte comes out once, in order", split)
				.isEqualTo(stream);
			assertThat(framer.terminated()).as("split at %d: the stream ended with [DONE]", split).isTrue();
		}
	}

	@Test
	void emitsWholeEventsInOrderWhenTheStreamArrivesOneByteAtATime() {
		String stream = CONTENT + FINISH + DONE;
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
		List<String> out = new ArrayList<>();
		for (int i = 0; i < stream.length(); i++) {
			emit(out, framer.next(chunk(stream.substring(i, i + 1))));
		}
		framer.release();
		assertThat(out).as("one output per event, as soon as its blank line completes it")
			.containsExactly(CONTENT, FINISH, DONE);
		assertThat(framer.terminated()).isTrue();
	}

	@Test
	void emitsSeveralEventsOfOneChunkInOneBuffer() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
		ByteBuf chunk = chunk(CONTENT + CONTENT + FINISH);

		ByteBuf out = framer.next(chunk);

		assertThat(out).as("whole events are not held back, and not cut into one buffer per event").isNotNull();
		assertThat(text(out)).isEqualTo(CONTENT + CONTENT + FINISH);
		assertThat(framer.terminated()).as("a finish chunk is not the end of the stream").isFalse();
		framer.release();
	}

	@Test
	void cutsAtCrlfSeparatorsSplitAtAnyBytePosition() {
		String content = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\r\n\r\n";
		String done = "data: [DONE]\r\n\r\n";
		String stream = content + content + done;
		for (int split = 1; split < stream.length(); split++) {
			SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
			List<String> out = new ArrayList<>();
			emit(out, framer.next(chunk(stream.substring(0, split))));
			emit(out, framer.next(chunk(stream.substring(split))));
			framer.release();
			assertThat(out).as("split at %d: CRLF events come out whole", split)
				.allSatisfy(text -> assertThat(text).endsWith("\r\n\r\n"));
			assertThat(String.join("", out)).as("split at %d", split).isEqualTo(stream);
			assertThat(framer.terminated()).as("split at %d: [DONE] ended by CRLF is terminal", split).isTrue();
		}
	}

	@Test
	void cutsAtLfAndCrlfSeparatorsMixedInOneStream() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
		String first = "data: a\n\n";
		String second = "data: b\r\n\r\n";

		ByteBuf out = framer.next(chunk(first + second + "data: c"));

		assertThat(text(out)).isEqualTo(first + second);
		framer.release();
	}

	@Test
	void holdsBackAnUnfinishedEventUntilItsBlankLineArrives() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);

		ByteBuf first = framer.next(chunk(CONTENT + "data: {\"choices\":[{\"del"));
		assertThat(text(first)).as("only the whole event goes out; the unfinished tail waits").isEqualTo(CONTENT);

		ByteBuf middle = framer.next(chunk("ta\":{\"content\":\"there\"}}]}\n"));
		assertThat(middle).as("one line break does not end an event").isNull();

		ByteBuf last = framer.next(chunk("\n"));
		assertThat(text(last)).as("the held-back start and the rest come out together, as one event")
			.isEqualTo("data: {\"choices\":[{\"delta\":{\"content\":\"there\"}}]}\n\n");
		framer.release();
	}

	@Test
	void returnsNothingForAChunkWithoutAnyWholeEvent() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);

		assertThat(framer.next(chunk("data: {\"choices\""))).isNull();
		assertThat(framer.next(chunk(":[]}"))).isNull();

		framer.release();
	}

	@Test
	void isTerminatedOnlyWhenTheLastWholeEventIsDone() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
		assertThat(framer.terminated()).as("nothing seen yet").isFalse();

		release(framer.next(chunk(CONTENT)));
		assertThat(framer.terminated()).as("after a content chunk").isFalse();

		release(framer.next(chunk(FINISH + "data: [DO")));
		assertThat(framer.terminated()).as("[DONE] is not complete yet").isFalse();

		release(framer.next(chunk("NE]\n")));
		assertThat(framer.terminated()).as("[DONE] still lacks its blank line").isFalse();

		release(framer.next(chunk("\n")));
		assertThat(framer.terminated()).as("[DONE] is complete").isTrue();
		framer.release();
	}

	@Test
	void isTerminatedByDoneWithoutASpaceAfterTheColon() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);

		release(framer.next(chunk(CONTENT + "data:[DONE]\n\n")));

		assertThat(framer.terminated()).as("the space after 'data:' is optional in SSE").isTrue();
		framer.release();
	}

	@Test
	void isNotTerminatedByAContentChunkWhoseTextContainsDone() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);

		release(framer.next(chunk(CONTENT + "data: {\"choices\":[{\"delta\":{\"content\":\"data: [DONE]\"}}]}\n\n")));
		assertThat(framer.terminated()).as("the text 'data: [DONE]' inside a JSON string is content, not the end")
			.isFalse();

		release(framer.next(chunk("data: {\"choices\":[{\"delta\":{\"content\":\"\\n\\ndata: [DONE]\\n\\n\"}}]}\n\n")));
		assertThat(framer.terminated()).as("nor with escaped line breaks around it").isFalse();
		framer.release();
	}

	@Test
	void isNoLongerTerminatedWhenAnEventFollowsDone() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);

		release(framer.next(chunk(DONE)));
		release(framer.next(chunk(CONTENT)));

		assertThat(framer.terminated()).as("only the last whole event decides").isFalse();
		framer.release();
	}

	@Test
	void judgesTheLastEventOfAChunkThatHoldsSeveral() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);

		release(framer.next(chunk(DONE + CONTENT)));
		assertThat(framer.terminated()).as("[DONE] followed by content in the same chunk").isFalse();

		release(framer.next(chunk(CONTENT + FINISH + DONE + "data: {\"tail")));
		assertThat(framer.terminated()).as("[DONE] is the last whole event; the unfinished tail does not count")
			.isTrue();
		framer.release();
	}

	@Test
	void releaseFreesAHeldBackPartialEvent() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
		ByteBuf partial = chunk("data: {\"choices\":[{\"delta\"");

		assertThat(framer.next(partial)).isNull();
		assertThat(partial.refCnt()).as("the framer holds the unfinished event").isEqualTo(1);

		framer.release();
		assertThat(partial.refCnt()).as("release() drops it").isZero();

		framer.release();
		assertThat(partial.refCnt()).as("a second release() does nothing").isZero();
	}

	@Test
	void releaseFreesTheTailKeptFromAChunkWhoseEventsWentOut() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
		ByteBuf chunk = chunk(CONTENT + "data: {\"cut");

		ByteBuf out = framer.next(chunk);
		assertThat(text(out)).isEqualTo(CONTENT);
		assertThat(chunk.refCnt()).as("the held-back tail still needs the chunk's memory").isEqualTo(1);

		framer.release();
		assertThat(chunk.refCnt()).as("release() frees the tail, and with it the chunk").isZero();
	}

	@Test
	void releaseWithNothingHeldBackDoesNothing() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
		ByteBuf chunk = chunk(CONTENT);

		ByteBuf out = framer.next(chunk);
		framer.release();

		assertThat(out.refCnt()).as("the caller's buffer is not the framer's to release").isEqualTo(1);
		out.release();
	}

	@Test
	void isTerminatedByResponseCompletedInTheResponsesFormat() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_RESPONSES);
		String delta = "event: response.output_text.delta\n"
				+ "data: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n";
		String completed = "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{}}\n\n";

		release(framer.next(chunk(delta)));
		assertThat(framer.terminated()).as("a delta event").isFalse();

		release(framer.next(chunk(delta + completed.substring(0, 20))));
		assertThat(framer.terminated()).as("response.completed not complete yet").isFalse();

		release(framer.next(chunk(completed.substring(20))));
		assertThat(framer.terminated()).as("response.completed ends a Responses stream").isTrue();
		framer.release();
	}

	@Test
	void isTerminatedByResponseFailedOrIncompleteInTheResponsesFormat() {
		for (String type : new String[] { "response.failed", "response.incomplete" }) {
			SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_RESPONSES);
			release(framer.next(chunk("event: " + type + "\r\ndata: {\"type\":\"" + type + "\"}\r\n\r\n")));
			assertThat(framer.terminated()).as(type).isTrue();
			framer.release();
		}
	}

	@Test
	void isNotTerminatedInTheResponsesFormatByDoneOrByTheEventNameInsideData() {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_RESPONSES);

		release(framer.next(chunk(DONE)));
		assertThat(framer.terminated()).as("[DONE] is the Chat Completions terminal, not the Responses one").isFalse();

		release(framer.next(chunk("event: response.output_text.delta\ndata: {\"type\":\"response.completed\"}\n\n")));
		assertThat(framer.terminated()).as("only the event: line names the event").isFalse();

		release(framer.next(chunk("event: response.completed.extra\ndata: {}\n\n")));
		assertThat(framer.terminated()).as("the name must match whole").isFalse();
		framer.release();
	}

	@Test
	void interruptionIsOneOpenAiErrorEventWithEscapedMessage() {
		String event = new String(StreamEnd.OPENAI_CHAT.interruption("cut \"here\""), StandardCharsets.UTF_8);

		assertThat(event).isEqualTo("data: {\"error\":{\"message\":\"cut \\\"here\\\"\",\"type\":\"upstream_error\","
				+ "\"code\":\"stream_interrupted\",\"param\":null}}\n\n");
	}

	@Test
	void interruptionIsAnErrorEventInTheResponsesFormat() {
		String event = new String(StreamEnd.OPENAI_RESPONSES.interruption("cut"), StandardCharsets.UTF_8);

		assertThat(event).isEqualTo("event: error\n"
				+ "data: {\"type\":\"error\",\"code\":\"stream_interrupted\",\"message\":\"cut\",\"param\":null}\n\n");
	}

	private ByteBuf chunk(String text) {
		ByteBuf buffer = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
		this.given.add(buffer);
		return buffer;
	}

	/** The text of a buffer the framer returned, which is then released as a writer would. */
	private static String text(ByteBuf buffer) {
		assertThat(buffer).as("a buffer of whole events").isNotNull();
		String text = buffer.toString(StandardCharsets.UTF_8);
		buffer.release();
		return text;
	}

	private static void emit(List<String> out, ByteBuf buffer) {
		if (buffer != null) {
			out.add(text(buffer));
		}
	}

	private static void release(ByteBuf buffer) {
		if (buffer != null) {
			buffer.release();
		}
	}

}
