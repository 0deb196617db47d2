package dev.switchboard.cache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.support.TokenUsage;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.translate.JsonTrees;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerFormsTests {

	@Test
	void sseEventsAreCutPerEventAndJoinBackToTheSameBytes() {
		String events = "data: a\n\n: comment\n\nevent: x\r\ndata: b\r\n\r\ndata: c\n\n";
		List<byte[]> cut = SseEvents.split(events.getBytes(StandardCharsets.UTF_8));
		assertThat(cut).hasSize(4);
		StringBuilder joined = new StringBuilder();
		cut.forEach(part -> joined.append(new String(part, StandardCharsets.UTF_8)));
		assertThat(joined).hasToString(events);
	}

	@Test
	void aStoredStreamBecomesTheJsonAnswerWithToolCallsAndUsage() {
		String stream = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
				+ "\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
				+ "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"ci\"}}]},\"finish_reason\":null}]}\n\n"
				+ "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
				+ "\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\":\\\"Oslo\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n"
				+ "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
				+ "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}\n\n" + OpenAiFixtures.DONE_EVENT;
		List<byte[]> events = SseEvents.split(stream.getBytes(StandardCharsets.UTF_8));
		CachedAnswer stored = new CachedAnswer(true, events, "text/event-stream", TokenUsage.UNKNOWN, "p", "m", 0);

		assertThat(AnswerForms.inspectStream(Endpoint.CHAT_COMPLETIONS, events)).isEqualTo(new TokenUsage(3, 4));
		var json = JsonTrees.parseObject(AnswerForms.asJson(Endpoint.CHAT_COMPLETIONS, stored, JsonTrees.object()));
		var call = json.path("choices").path(0).path("message").path("tool_calls").path(0);
		assertThat(call.path("function").path("arguments").asString()).isEqualTo("{\"city\":\"Oslo\"}");
		assertThat(call.path("id").asString()).isEqualTo("call_1");
		assertThat(json.path("choices").path(0).path("finish_reason").asString()).isEqualTo("tool_calls");
		assertThat(json.path("usage").path("total_tokens").asInt()).isEqualTo(7);
		assertThat(AnswerForms.complete(Endpoint.CHAT_COMPLETIONS, JsonTrees.bytes(json))).isTrue();
	}

	@Test
	void aStreamWithAnInBandErrorOrWithoutItsEndIsNotWhole() {
		List<byte[]> cut = SseEvents.split(OpenAiFixtures.chunkEvent("m", "half").getBytes(StandardCharsets.UTF_8));
		List<byte[]> failed = new ArrayList<>(cut);
		failed.addAll(SseEvents.split(("data: {\"error\":{\"message\":\"x\"}}\n\n" + OpenAiFixtures.DONE_EVENT)
			.getBytes(StandardCharsets.UTF_8)));
		assertThat(AnswerForms.inspectStream(Endpoint.CHAT_COMPLETIONS, cut)).isNull();
		assertThat(AnswerForms.inspectStream(Endpoint.CHAT_COMPLETIONS, failed)).isNull();
		assertThat(AnswerForms.complete(Endpoint.CHAT_COMPLETIONS,
				"{\"choices\":[{\"index\":0,\"message\":{\"content\":\"x\"},\"finish_reason\":null}]}".getBytes(StandardCharsets.UTF_8)))
			.as("no finish_reason").isFalse();
	}

	@Test
	void aCachedAnswerSurvivesTheSharedStoresEncoding() {
		CachedAnswer answer = new CachedAnswer(true, List.of("data: a\n\n".getBytes(StandardCharsets.UTF_8),
				"data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)), "text/event-stream", new TokenUsage(5, -1), "p", "m", 42,
				1234);
		CachedAnswer decoded = CachedAnswerCodec.decode(CachedAnswerCodec.encode(answer));
		assertThat(decoded).isNotNull();
		assertThat(decoded.body()).isEqualTo(answer.body());
		assertThat(decoded.parts()).hasSize(2);
		assertThat(decoded.usage()).isEqualTo(answer.usage());
		assertThat(decoded.storedAtMillis()).isEqualTo(42);
		assertThat(decoded.costMicroUsd()).isEqualTo(1234);
		assertThat(CachedAnswerCodec.decode(new byte[] { 9, 1, 2 })).as("another version is a miss").isNull();
	}

}
