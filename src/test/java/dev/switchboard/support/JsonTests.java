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

}
