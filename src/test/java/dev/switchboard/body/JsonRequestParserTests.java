package dev.switchboard.body;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JsonRequestParserTests {

	@Test
	void aModelNamedByTheUrlLeavesTheBodyAsItCameWhateverModelItCarries() {
		String body = "{\"contents\":[],\"model\":\"models/inner\", \"generationConfig\":{\"temperature\":1.50}}";
		JsonRequest request = JsonRequestParser.parse(body.getBytes(StandardCharsets.UTF_8), "gemini-only", true);

		assertThat(request.model()).isEqualTo("gemini-only");
		assertThat(request.stream()).as("from the URL's streamGenerateContent").isTrue();
		assertThat(request.withModel("gemini-2.5-flash").toString(StandardCharsets.UTF_8)).as("the model is in the URL")
			.isEqualTo(body);
		assertThat(request.forUpstream("gemini-2.5-flash", java.util.Set.of("tools")).toString(StandardCharsets.UTF_8))
			.isEqualTo(body);
	}

	@Test
	void readsWhetherTheStreamAsksForUsageOnlyFromTheTopLevelStreamOptions() {
		assertThat(parse("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"x\":[1],\"include_usage\":true}}")
			.asksStreamUsage()).isTrue();
		assertThat(parse("{\"model\":\"m\",\"stream_options\":{\"include_usage\":false}}").asksStreamUsage()).isFalse();
		assertThat(parse("{\"model\":\"m\",\"metadata\":{\"stream_options\":{\"include_usage\":true}}}").asksStreamUsage())
			.as("nested elsewhere").isFalse();
		JsonRequest asked = parse("{\"model\":\"m\",\"stream\":true}").withStreamUsage();
		assertThat(asked.asksStreamUsage()).isTrue();
		assertThat(new String(asked.bytes(), StandardCharsets.UTF_8))
			.isEqualTo("{\"stream_options\":{\"include_usage\":true},\"model\":\"m\",\"stream\":true}");
	}

	@Test
	void findsTheTopLevelModelAndSplicesOnlyItsValue() {
		JsonRequest request = parse("{\"model\":\"fast\",\"temperature\":0.25,\"messages\":[]}");

		assertThat(request.model()).isEqualTo("fast");
		assertThat(splice(request, "gpt-4o-mini")).as("only the model value changes")
			.isEqualTo("{\"model\":\"gpt-4o-mini\",\"temperature\":0.25,\"messages\":[]}");
	}

	@Test
	void splicesTheModelWhenItIsTheLastFieldAfterNestedValues() {
		String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"model\":\"inner\"}],"
				+ "\"metadata\":{\"model\":\"meta\",\"deep\":{\"model\":[\"x\"]}},\"model\":\"fast\"}";

		JsonRequest request = parse(body);

		assertThat(request.model()).as("nested 'model' fields are not the request's model").isEqualTo("fast");
		assertThat(splice(request, "other")).as("nested 'model' fields are left alone")
			.isEqualTo(body.replace("\"model\":\"fast\"", "\"model\":\"other\""));
	}

	@Test
	void keepsEveryOtherByteIncludingWhitespaceNumbersAndUnknownFields() {
		String before = "{\n  \"x_unknown\" : {\"a\":[1,2.50,1e3,-0.0]},\t\"seed\":7 ,\n  \"model\"  :  ";
		String after = " ,\"user\":\"u\\u00e9\" , \"n\":12345678901234567890\n}\n";
		JsonRequest request = parse(before + "\"fast\"" + after);

		assertThat(splice(request, "llama-3.3-70b")).as("whitespace, number spellings and escapes are kept byte for byte")
			.isEqualTo(before + "\"llama-3.3-70b\"" + after);
	}

	@Test
	void usesByteOffsetsWhenMultibyteCharactersComeBeforeTheModel() {
		String before = "{\"messages\":[{\"role\":\"user\",\"content\":\"héllo 日本語 😀\"}],\"model\":";
		String after = ",\"stream\":false}";
		JsonRequest request = parse(before + "\"fast\"" + after);

		assertThat(request.model()).isEqualTo("fast");
		assertThat(splice(request, "gpt-4.1")).as("offsets count UTF-8 bytes, not characters")
			.isEqualTo(before + "\"gpt-4.1\"" + after);
	}

	@Test
	void decodesEscapesInTheModelAndReplacesTheWholeEscapedLiteral() {
		JsonRequest request = parse("{\"model\":\"fa\\u0073t\\\"\\\\\",\"n\":1}");

		assertThat(request.model()).as("the model is compared decoded").isEqualTo("fast\"\\");
		assertThat(splice(request, "p-model")).as("the escaped literal is replaced from quote to quote")
			.isEqualTo("{\"model\":\"p-model\",\"n\":1}");
	}

	@Test
	void escapesTheUpstreamModelWhenSplicingItIn() {
		JsonRequest request = parse("{\"model\":\"fast\"}");

		String spliced = splice(request, "ft:\"q\"\\é/x");

		assertThat(spliced).as("the new value is a valid JSON string in UTF-8")
			.isEqualTo("{\"model\":\"ft:\\\"q\\\"\\\\é/x\"}");
		assertThat(parse(spliced).model()).isEqualTo("ft:\"q\"\\é/x");
	}

	@Test
	void leavesTheBodyUntouchedWhenTheUpstreamModelIsTheSame() {
		String body = "{\"model\":\"f\\u0061st\", \"a\":1}";
		JsonRequest request = parse(body);

		assertThat(splice(request, "fast")).as("same model: the received bytes go upstream as they are").isEqualTo(body);
	}

	@Test
	void readsTheTopLevelStreamFlag() {
		assertThat(parse("{\"model\":\"fast\",\"stream\":true}").stream()).isTrue();
		assertThat(parse("{\"stream\":true,\"model\":\"fast\"}").stream()).as("before the model too").isTrue();
		assertThat(parse("{\"model\":\"fast\",\"stream\":false}").stream()).isFalse();
		assertThat(parse("{\"model\":\"fast\",\"stream\":\"true\"}").stream()).as("only the JSON literal true").isFalse();
		assertThat(parse("{\"model\":\"fast\"}").stream()).isFalse();
		assertThat(parse("{\"model\":\"fast\",\"options\":{\"stream\":true}}").stream()).as("a nested stream flag")
			.isFalse();
	}

	@Test
	void rejectsADuplicateModel() {
		assertRejected("{\"model\":\"fast\",\"messages\":[],\"model\":\"chain\"}", ErrorCode.INVALID_JSON);
		assertRejected("{\"model\":1,\"model\":\"fast\"}", ErrorCode.INVALID_JSON);
		assertRejected("{\"model\":\"fast\",\"model\":null}", ErrorCode.INVALID_JSON);
	}

	@ParameterizedTest
	@ValueSource(strings = { "[{\"model\":\"fast\"}]", "\"fast\"", "42", "null", "true", "", "   " })
	void rejectsABodyThatIsNotAJsonObject(String body) {
		assertRejected(body, ErrorCode.INVALID_JSON);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"model\":\"fast\"} x", "{\"model\":\"fast\"}{}", "{\"model\":\"fast\"},",
			"{\"model\":\"fast\"}]", "{\"model\":\"fast\"} {\"model\":\"chain\"}" })
	void rejectsTrailingGarbageAfterTheObject(String body) {
		assertRejected(body, ErrorCode.INVALID_JSON);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"model\":\"fast\"", "{\"model\":\"fast\",}", "{\"model\":fast}", "{model:\"fast\"}",
			"{\"model\":\"fa", "{\"model\":\"fast\",\"messages\":[}" })
	void rejectsMalformedJson(String body) {
		assertRejected(body, ErrorCode.INVALID_JSON);
	}

	@Test
	void acceptsWhitespaceAfterTheObject() {
		assertThat(parse("{\"model\":\"fast\"}\r\n\t ").model()).isEqualTo("fast");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"messages\":[{\"model\":\"fast\"}]}", "{\"model\":\"\"}", "{\"model\":\"  \"}",
			"{\"model\":5}", "{\"model\":null}", "{\"model\":true}" })
	void reportsAMissingModelWhenThereIsNoModelString(String body) {
		GatewayException error = assertRejected(body, ErrorCode.MISSING_MODEL);
		assertThat(error.param()).as("the error points at the field").isEqualTo("model");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"model\":{\"name\":\"fast\"}}", "{\"model\":[\"fast\"]}",
			"{\"model\":{\"a\":{\"b\":1}},\"messages\":[]}" })
	void reportsAMissingModelWhenTheModelIsAnObjectOrArray(String body) {
		assertRejected(body, ErrorCode.MISSING_MODEL);
	}

	@Test
	void acceptsAStructuredValueUnderStream() {
		JsonRequest request = parse("{\"stream\":{\"model\":\"x\",\"on\":true},\"model\":\"fast\",\"n\":1}");

		assertThat(request.model()).as("a structured stream value is skipped whole, so its inner model is not read")
			.isEqualTo("fast");
		assertThat(request.stream()).isFalse();
		assertThat(splice(request, "gpt-4o-mini")).isEqualTo("{\"stream\":{\"model\":\"x\",\"on\":true},"
				+ "\"model\":\"gpt-4o-mini\",\"n\":1}");
	}

	private static JsonRequest parse(String body) {
		return JsonRequestParser.parse(body.getBytes(StandardCharsets.UTF_8));
	}

	private static String splice(JsonRequest request, String upstreamModel) {
		ByteBuf spliced = request.withModel(upstreamModel);
		try {
			return new String(ByteBufUtil.getBytes(spliced), StandardCharsets.UTF_8);
		}
		finally {
			spliced.release();
		}
	}

	private static GatewayException assertRejected(String body, ErrorCode code) {
		GatewayException[] thrown = new GatewayException[1];
		assertThatExceptionOfType(GatewayException.class).isThrownBy(() -> parse(body))
			.satisfies(error -> thrown[0] = error)
			.satisfies(error -> assertThat(error.code()).as("code for %s", body).isEqualTo(code));
		return thrown[0];
	}

}
