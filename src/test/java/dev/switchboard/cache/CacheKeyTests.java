package dev.switchboard.cache;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.switchboard.provider.Endpoint;

import static org.assertj.core.api.Assertions.assertThat;

class CacheKeyTests {

	@Test
	void theCanonicalFormSortsKeysAtEveryDepthAndNormalisesNumbers() {
		assertThat(CacheKey.canonical("{\"b\":1.50,\"a\":{\"y\":1e2,\"x\":[3,2.0,-0.0]}}"))
			.isEqualTo("{\"a\":{\"x\":[3,2,0],\"y\":1E+2},\"b\":1.5}");
		assertThat(CacheKey.canonical("{\"n\":100}")).as("100 and 1e2 are one value")
			.isEqualTo(CacheKey.canonical("{\"n\":1e2}"));
	}

	@Test
	void modelStreamAndStreamOptionsAreNotPartOfTheKeyButTheRouteAndEveryOtherParameterAre() {
		String plain = "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":1}";
		String streamed = "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"temperature\":1.0,"
				+ "\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"b\"}";
		assertThat(key(Endpoint.CHAT_COMPLETIONS, "route", null, plain)).isEqualTo(key(Endpoint.CHAT_COMPLETIONS, "route", null, streamed));
		assertThat(key(Endpoint.CHAT_COMPLETIONS, "route", null, plain)).as("another route")
			.isNotEqualTo(key(Endpoint.CHAT_COMPLETIONS, "other", null, plain));
		assertThat(key(Endpoint.CHAT_COMPLETIONS, "route", null, plain)).as("another temperature")
			.isNotEqualTo(key(Endpoint.CHAT_COMPLETIONS, "route", null, plain.replace("\"temperature\":1", "\"temperature\":0.9")));
		assertThat(key(Endpoint.CHAT_COMPLETIONS, "route", "team-a", plain)).as("per key")
			.isNotEqualTo(key(Endpoint.CHAT_COMPLETIONS, "route", "team-b", plain))
			.isNotEqualTo(key(Endpoint.CHAT_COMPLETIONS, "route", null, plain));
		assertThat(key(Endpoint.CHAT_COMPLETIONS, "route", null, plain)).as("another format's answer")
			.isNotEqualTo(key(Endpoint.MESSAGES, "route", null, plain));
	}

	@Test
	void aBodySeenBeforeGetsItsKeyFromMemoryAndEveryPartOfTheKeyStillCounts() {
		CanonicalKeys keys = new CanonicalKeys();
		byte[] plain = "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8);
		CacheKey first = keys.of(Endpoint.CHAT_COMPLETIONS, "route", null, false, plain, false);
		assertThat(first).isEqualTo(CacheKey.of(Endpoint.CHAT_COMPLETIONS, "route", null, false, plain, false));
		assertThat(keys.of(Endpoint.CHAT_COMPLETIONS, "route", null, false, plain.clone(), false)).as("the same bytes")
			.isSameAs(first);
		assertThat(keys.of(Endpoint.CHAT_COMPLETIONS, "other", null, false, plain, false)).as("another route")
			.isNotEqualTo(first);
		assertThat(keys.of(Endpoint.CHAT_COMPLETIONS, "route", "team-a", false, plain, false)).as("another owner")
			.isNotEqualTo(first);
		assertThat(keys.of(Endpoint.MESSAGES, "route", null, false, plain, false)).as("another endpoint")
			.isNotEqualTo(first);
		byte[] reordered = "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"b\"}".getBytes(StandardCharsets.UTF_8);
		assertThat(keys.of(Endpoint.CHAT_COMPLETIONS, "route", null, false, reordered, false)).as("other bytes, same request")
			.isEqualTo(first)
			.isNotSameAs(first);
		assertThat(keys.of(Endpoint.CHAT_COMPLETIONS, "route", null, false, "[1]".getBytes(StandardCharsets.UTF_8), false))
			.as("not an object, remembered as such").isNull();
	}

	@Test
	void aResponsesRequestKeepsItsFormBecauseItsAnswersAreNotConverted() {
		String body = "{\"model\":\"a\",\"input\":\"hi\"}";
		assertThat(CacheKey.of(Endpoint.RESPONSES, "r", null, true, bytes(body), false).exact())
			.isNotEqualTo(CacheKey.of(Endpoint.RESPONSES, "r", null, false, bytes(body), false).exact());
	}

	@Test
	void theSemanticPartsSeparateTheConversationFromEverythingElse() {
		CacheKey first = CacheKey.of(Endpoint.CHAT_COMPLETIONS, "r", null, false, bytes(
				"{\"model\":\"a\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
						+ "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is 2+2?\"}]}]}"), true);
		CacheKey second = CacheKey.of(Endpoint.CHAT_COMPLETIONS, "r", null, false, bytes(
				"{\"model\":\"a\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
						+ "{\"role\":\"user\",\"content\":\"What's two plus two?\"}]}"), true);
		CacheKey image = CacheKey.of(Endpoint.CHAT_COMPLETIONS, "r", null, false, bytes(
				"{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
						+ "\"image_url\":{\"url\":\"data:,\"}}]}]}"), true);

		assertThat(first.text()).isEqualTo("system: Be brief.\nuser: What is 2+2?\n");
		assertThat(first.similar()).as("same parameters and roles").isEqualTo(second.similar());
		assertThat(first.exact()).isNotEqualTo(second.exact());
		assertThat(image.similar()).as("an image is compared exactly only").isNull();
	}

	private static String key(Endpoint endpoint, String route, String owner, String body) {
		return CacheKey.of(endpoint, route, owner, false, bytes(body), false).exact();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
