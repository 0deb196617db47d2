package dev.switchboard.quota;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.TokenUsage;

import static org.assertj.core.api.Assertions.assertThat;

/** A stream's usage is read in every client format; the chunk the gateway asked for is cut out byte-exactly. */
class StreamUsageTests {

	private static final String HEAD = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",";

	@Test
	void theUsageChunkAndTheUsageNullMembersOfAnOpenAiStreamAreCutOutWhenTheClientDidNotAsk() {
		String asked = "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null}\n\n"
				+ "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"x\"}\n\n"
				+ "data: " + HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15,"
				+ "\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":{\"reasoning_tokens\":2}}}\n\n"
				+ "data: [DONE]\n\n";
		String plain = "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
				+ "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"obfuscation\":\"x\"}\n\n"
				+ "data: [DONE]\n\n";
		StreamUsage reader = new StreamUsage(true);
		StringBuilder out = new StringBuilder();
		// one event per buffer, then several in one
		int split = asked.indexOf("data: ", 10);
		out.append(text(reader.onEvents(buffer(asked.substring(0, split)))));
		out.append(text(reader.onEvents(buffer(asked.substring(split)))));
		assertThat(out.toString()).isEqualTo(plain);
		assertThat(reader.reported()).isEqualTo(new TokenUsage(12, 3, 4, 2, false));
	}

	@Test
	void aUsageNamedInsideTheTextIsNeitherReadNorCut() {
		String event = "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"say \\\"usage\\\":null, {\\\"usage\\\":{}}\"},"
				+ "\"finish_reason\":null}],\"usage\":null}\n\n";
		StreamUsage reader = new StreamUsage(true);
		assertThat(text(reader.onEvents(buffer(event))))
			.isEqualTo(event.replace(",\"usage\":null}\n", "}\n"));
		assertThat(reader.reported()).isEqualTo(TokenUsage.UNKNOWN);
	}

	@Test
	void theResponsesApiReportsUsageInsideItsCompletedResponse() {
		String events = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"usage\":null}}\n\n"
				+ "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\","
				+ "\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"a } b\"}]}],"
				+ "\"usage\":{\"input_tokens\":11,\"input_tokens_details\":{\"cached_tokens\":2},\"output_tokens\":5,"
				+ "\"output_tokens_details\":{\"reasoning_tokens\":1}}}}\n\n";
		StreamUsage reader = new StreamUsage(false);
		ByteBuf in = buffer(events);
		assertThat(reader.onEvents(in)).isSameAs(in);
		assertThat(reader.reported()).isEqualTo(new TokenUsage(11, 5, 2, 1, false));
		in.release();
	}

	@Test
	void aClientThatAskedForUsageGetsTheStreamUntouched() {
		String asked = "data: " + HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n";
		StreamUsage reader = new StreamUsage(false);
		ByteBuf in = buffer(asked);
		assertThat(reader.onEvents(in)).as("the same buffer, not a copy").isSameAs(in);
		assertThat(reader.reported()).isEqualTo(new TokenUsage(1, 2));
		in.release();
	}

	@Test
	void anthropicUsageIsTheStartsInputWithItsCacheAndTheDeltasOutput() {
		String events = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":"
				+ "{\"input_tokens\":9,\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":3,\"output_tokens\":1}}}\n\n"
				+ "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello there\"}}\n\n"
				+ "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}\n\n";
		StreamUsage reader = new StreamUsage(false);
		reader.onEvents(buffer(events)).release();
		assertThat(reader.reported()).isEqualTo(new TokenUsage(14, 7, 3, 0, false));
		assertThat(reader.text()).isEqualTo("Hello there");
	}

	@Test
	void geminiUsageMetadataCountsThinkingAsOutputAndReportsTheCache() {
		String events = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"}}]}\r\n\r\n"
				+ "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"!\"}]},\"finishReason\":\"STOP\"}],"
				+ "\"usageMetadata\":{\"promptTokenCount\":30,\"candidatesTokenCount\":12,\"thoughtsTokenCount\":5,"
				+ "\"cachedContentTokenCount\":8,\"totalTokenCount\":47}}\r\n\r\n";
		StreamUsage reader = new StreamUsage(false);
		reader.onEvents(buffer(events)).release();
		assertThat(reader.reported()).isEqualTo(new TokenUsage(30, 17, 8, 5, false));
	}

	@Test
	void aStreamWithoutUsageKeepsItsTextForAnEstimate() {
		StreamUsage reader = new StreamUsage(true);
		reader.onEvents(buffer("data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one two\"}}]}\n\n")).release();
		assertThat(reader.reported()).isEqualTo(TokenUsage.UNKNOWN);
		assertThat(reader.text()).isEqualTo("one two");
	}

	private static ByteBuf buffer(String text) {
		return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(ByteBuf buffer) {
		try {
			return buffer.toString(StandardCharsets.UTF_8);
		}
		finally {
			buffer.release();
		}
	}

}
