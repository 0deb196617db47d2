package dev.switchboard.support;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	@Test
	void quotesAndBackslashesAreEscaped() {
		assertThat(Json.quote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
		assertThat(Json.quote("C:\\temp\\")).as("a trailing backslash must not escape the closing quote")
			.isEqualTo("\"C:\\\\temp\\\\\"");
	}

	@Test
	void commonControlCharactersUseTheirShortEscapes() {
		assertThat(Json.quote("a\nb\rc\td\be\ff")).isEqualTo("\"a\\nb\\rc\\td\\be\\ff\"");
	}

	@Test
	void otherControlCharactersAreWrittenAsLowercaseUnicodeEscapes() {
		assertThat(Json.quote("\u0000")).isEqualTo("\"\\u0000\"");
		assertThat(Json.quote("\u0001\u001b\u001f")).isEqualTo("\"\\u0001\\u001b\\u001f\"");
	}

	@Test
	void printableAndNonAsciiCharactersPassThroughUnchanged() {
		assertThat(Json.quote("plain / text <b>&'")).as("JSON needs no escape for these").isEqualTo("\"plain / text <b>&'\"");
		assertThat(Json.quote("café 日本語 \uD83D\uDE80 \u007f \u2028"))
			.as("non-ASCII, a surrogate pair, DEL and U+2028 are legal in a JSON string as they are")
			.isEqualTo("\"café 日本語 \uD83D\uDE80 \u007f \u2028\"");
	}

	@Test
	void nullIsWrittenAsTheJsonLiteral() {
		assertThat(Json.appendString(new StringBuilder("x:"), null).toString()).isEqualTo("x:null");
	}

	@Test
	void appendStringAppendsToWhatIsAlreadyThere() {
		StringBuilder out = new StringBuilder("{\"k\":");
		assertThat(Json.appendString(out, "v")).as("returns the same builder, for chaining").isSameAs(out);
		assertThat(out.toString()).isEqualTo("{\"k\":\"v\"");
	}

	@Test
	void everyCharacterRoundTripsThroughAJsonParser() {
		StringBuilder all = new StringBuilder();
		for (char c = 0; c < 0x300; c++) {
			all.append(c);
		}
		for (String value : List.of(all.toString(), "\"\\\"\\\\", "\uD83D\uDE80\uFE0F", "", " ")) {
			String quoted = Json.quote(value);
			assertThat(MAPPER.readValue(quoted, String.class)).as("a JSON parser reads back exactly %s", quoted)
				.isEqualTo(value);
		}
	}

	@Test
	void usageIfValidReadsChatCompletionUsage() {
		TokenUsage usage = Json.usageIfValid(bytes("""
				{"id":"x","choices":[{"message":{"content":"{\\"usage\\":1}"}}],
				 "usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,
				          "prompt_tokens_details":{"cached_tokens":0}}}"""));

		assertThat(usage).as("the top-level usage, not a look-alike inside content").isEqualTo(new TokenUsage(12, 34));
	}

	@Test
	void usageIfValidReadsResponsesAndEmbeddingsUsage() {
		assertThat(Json.usageIfValid(bytes("{\"usage\":{\"input_tokens\":7,\"output_tokens\":3}}")))
			.isEqualTo(new TokenUsage(7, 3));
		assertThat(Json.usageIfValid(bytes("{\"data\":[],\"usage\":{\"prompt_tokens\":9,\"total_tokens\":9}}")))
			.as("embeddings have no output tokens")
			.isEqualTo(new TokenUsage(9, -1));
	}

	@Test
	void usageIfValidReadsGeminisUsageMetadataWithThoughtsAsOutput() {
		assertThat(Json.usageIfValid(bytes("{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":11,"
				+ "\"candidatesTokenCount\":2,\"thoughtsTokenCount\":5,\"totalTokenCount\":18}}")))
			.as("the 5 thinking tokens are output, and reported as reasoning")
			.isEqualTo(new TokenUsage(11, 7, 0, 5, false));
		assertThat(Json.usageIfValid(bytes("{\"totalTokens\":3}"))).as("a token count is no usage")
			.isEqualTo(TokenUsage.UNKNOWN);
	}

	@Test
	void usageIfValidTellsValidJsonWithoutUsageFromInvalidJson() {
		assertThat(Json.usageIfValid(bytes("{\"usage\":null,\"a\":[1,2]}"))).isEqualTo(TokenUsage.UNKNOWN);
		assertThat(Json.usageIfValid(bytes("[1,2,3]"))).isEqualTo(TokenUsage.UNKNOWN);
		assertThat(Json.usageIfValid(bytes("{\"usage\":{\"prompt_tokens\":1}"))).as("truncated").isNull();
		assertThat(Json.usageIfValid(bytes("{\"a\":1} {\"b\":2}"))).as("two values").isNull();
		assertThat(Json.usageIfValid(bytes(""))).isNull();
		assertThat(Json.usageIfValid(bytes("<html>"))).isNull();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

}
