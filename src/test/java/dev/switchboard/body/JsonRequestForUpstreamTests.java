package dev.switchboard.body;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonRequestForUpstreamTests {

	private static final Set<String> DROP_TOOLS = Set.of("tools", "tool_choice", "parallel_tool_calls");

	@Test
	void cutsTheNamedFieldsWhereverTheyStandAndKeepsTheRest() {
		String body = "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"model\":\"fast\","
				+ "\"temperature\":0.1234567890123456789,\"seed\":12345678901234567890,\"tool_choice\":\"auto\","
				+ "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"parallel_tool_calls\":true}";

		String sent = text(JsonRequestParser.parse(bytes(body)).forUpstream("gpt-4o", DROP_TOOLS));

		assertThat(sent).as("tools gone, model rewritten, numbers exact, the rest unchanged")
			.isEqualTo("{\"model\":\"gpt-4o\",\"temperature\":0.1234567890123456789,\"seed\":12345678901234567890,"
					+ "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
	}

	@Test
	void leavesTheBodyByteForByteWhenItHasNothingToCut() {
		String body = "{ \"model\" : \"fast\",\n \"messages\": [] }";

		String sent = text(JsonRequestParser.parse(bytes(body)).forUpstream("gpt-4o", DROP_TOOLS));

		assertThat(sent).isEqualTo("{ \"model\" : \"gpt-4o\",\n \"messages\": [] }");
	}

	@Test
	void cutsTheResponseFormatOnlyWhenAsked() {
		String body = "{\"model\":\"fast\",\"response_format\":{\"type\":\"json_object\"},\"tools\":[]}";
		JsonRequest request = JsonRequestParser.parse(bytes(body));

		assertThat(text(request.forUpstream("m", Set.of("response_format")))).isEqualTo("{\"model\":\"m\",\"tools\":[]}");
		assertThat(text(request.forUpstream("m", DROP_TOOLS)))
			.isEqualTo("{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"}}");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
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
