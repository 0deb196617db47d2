package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SseParser}: events however the network cuts them.
 */
class SseParserTests {

	@Test
	void readsEventNamesDataAndSkipsCommentsAndOtherFields() {
		List<SseEvent> events = SseParser.parseAll(": ping\n\nid: 7\nretry: 100\nevent: message_start\ndata: {\"a\":1}\n\ndata: [DONE]\n\n");

		assertThat(events).containsExactly(new SseEvent("message_start", "{\"a\":1}"), new SseEvent(null, "[DONE]"));
	}

	@Test
	void joinsMultipleDataLinesAndAcceptsCrLfAndNoSpaceAfterTheColon() {
		List<SseEvent> events = SseParser.parseAll("event:x\r\ndata:one\r\ndata: two\r\n\r\n");

		assertThat(events).containsExactly(new SseEvent("x", "one\ntwo"));
	}

	@Test
	void holdsALineAndAMultiByteCharacterSplitAcrossBuffers() {
		byte[] bytes = "event: message_start\ndata: {\"text\":\"héllo ✓\"}\n\n".getBytes(StandardCharsets.UTF_8);
		SseParser parser = new SseParser();
		List<SseEvent> events = new ArrayList<>();
		for (byte b : bytes) {
			parser.feed(Unpooled.wrappedBuffer(new byte[] { b }), events);
		}

		assertThat(events).containsExactly(new SseEvent("message_start", "{\"text\":\"héllo ✓\"}"));
	}

	@Test
	void anUnfinishedEventIsNotEmitted() {
		assertThat(SseParser.parseAll("event: message_start\ndata: {\"a\":")).isEmpty();
	}

}
