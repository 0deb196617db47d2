package dev.switchboard.translate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.ProviderAdapter;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.WireFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TranslatingAdapter} around a recording provider adapter: same-format calls pass untouched, other formats are
 * translated both ways, and what cannot go upstream is answered locally.
 */
class TranslatingAdapterTests {

	private final Recording openAi = new Recording(WireFormat.OPENAI);

	private final TranslatingAdapter adapter = new TranslatingAdapter(this.openAi, WireFormat.OPENAI);

	@Test
	void sameFormatCallsReachTheProviderAdapterAsTheyAre() {
		ByteBuf body = Unpooled.wrappedBuffer("{\"model\":\"m\" , \"messages\":[]}".getBytes(StandardCharsets.UTF_8));
		UpstreamCall call = new UpstreamCall(Endpoint.CHAT_COMPLETIONS, "m", body, headers(), false);

		UpstreamResponse response = this.adapter.exchange(call).block(Duration.ofSeconds(5));

		assertThat(this.openAi.call).as("the very same call: no parsing, no re-serialisation").isSameAs(call);
		assertThat(response).as("and the provider's own response").isSameAs(this.openAi.response);
	}

	@Test
	void anotherFormatIsTranslatedOnTheWayOutAndBack() {
		this.openAi.answer("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
				+ "\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}");
		ByteBuf body = Unpooled.wrappedBuffer(("{\"model\":\"m\",\"max_tokens\":5,\"top_k\":2,"
				+ "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}").getBytes(StandardCharsets.UTF_8));
		HttpHeaders headers = headers().add("anthropic-version", "2023-06-01").add("anthropic-beta", "x").add("user-agent", "sdk");

		UpstreamResponse response = this.adapter.exchange(new UpstreamCall(Endpoint.MESSAGES, "m", body, headers, false))
			.block(Duration.ofSeconds(5));

		assertThat(this.openAi.call.endpoint()).isEqualTo(Endpoint.CHAT_COMPLETIONS);
		JsonNode sent = JsonTrees.MAPPER.readTree(ByteBufUtil.getBytes(this.openAi.call.body()));
		assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(5);
		assertThat(sent.has("top_k")).isFalse();
		assertThat(this.openAi.call.forwardedHeaders().names()).as("Anthropic's headers mean nothing to OpenAI")
			.containsExactlyInAnyOrder("user-agent");
		assertThat(body.refCnt()).as("the client's body is released once read").isZero();
		assertThat(response.headers().get(TranslationNotes.DROPPED_HEADER)).isEqualTo("top_k");
		JsonNode message = JsonTrees.MAPPER.readTree(body(response));
		assertThat(message.get("type").stringValue()).isEqualTo("message");
		assertThat(message.get("content").get(0).get("text").stringValue()).isEqualTo("Hi");
	}

	@Test
	void anUntranslatableRequestIsAnsweredLocallyWithA400InTheClientsFormat() {
		ByteBuf body = Unpooled.wrappedBuffer("{\"model\":\"m\",\"max_tokens\":5,\"container\":\"c\",\"messages\":[]}"
			.getBytes(StandardCharsets.UTF_8));

		UpstreamResponse response = this.adapter.exchange(new UpstreamCall(Endpoint.MESSAGES, "m", body, headers(), false))
			.block(Duration.ofSeconds(5));

		assertThat(this.openAi.call).as("no upstream request").isNull();
		assertThat(response.status()).isEqualTo(400);
		JsonNode error = JsonTrees.MAPPER.readTree(body(response));
		assertThat(error.get("type").stringValue()).isEqualTo("error");
		assertThat(error.get("error").get("message").stringValue()).startsWith("unsupported_parameter: ").contains("container");
	}

	@Test
	void countTokensForAProviderOfAnotherFormatIsEstimatedLocally() {
		ByteBuf body = Unpooled.wrappedBuffer("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"abcdefgh\"}]}"
			.getBytes(StandardCharsets.UTF_8));

		UpstreamResponse response = this.adapter.exchange(new UpstreamCall(Endpoint.COUNT_TOKENS, "m", body, headers(), false))
			.block(Duration.ofSeconds(5));

		assertThat(this.openAi.call).isNull();
		assertThat(response.headers().get(TokenEstimate.HEADER)).isEqualTo("estimate");
		assertThat(JsonTrees.MAPPER.readTree(body(response)).get("input_tokens").asInt()).as("'user' and 'abcdefgh'")
			.isEqualTo(3);
	}

	@Test
	void saysWhichEndpointsItCanServeForWhichClients() {
		TranslatingAdapter anthropic = new TranslatingAdapter(new Recording(WireFormat.ANTHROPIC), WireFormat.ANTHROPIC);

		assertThat(this.adapter.unsupportedReason(Endpoint.MESSAGES, WireFormat.ANTHROPIC)).isNull();
		assertThat(this.adapter.unsupportedReason(Endpoint.COUNT_TOKENS, WireFormat.ANTHROPIC)).isNull();
		assertThat(anthropic.unsupportedReason(Endpoint.CHAT_COMPLETIONS, WireFormat.OPENAI)).isNull();
		assertThat(anthropic.unsupportedReason(Endpoint.EMBEDDINGS, WireFormat.OPENAI)).contains("/v1/embeddings");
		assertThat(anthropic.unsupportedReason(Endpoint.RESPONSES, WireFormat.OPENAI)).as("through the hub").isNull();
		TranslatingAdapter gemini = new TranslatingAdapter(new Recording(WireFormat.GEMINI), WireFormat.GEMINI);
		assertThat(gemini.unsupportedReason(Endpoint.CHAT_COMPLETIONS, WireFormat.OPENAI)).isNull();
		assertThat(gemini.unsupportedReason(Endpoint.MESSAGES, WireFormat.ANTHROPIC)).isNull();
		assertThat(gemini.unsupportedReason(Endpoint.EMBEDDINGS, WireFormat.OPENAI)).contains("/v1/embeddings");
	}

	@Test
	void aGeminiProviderGetsGenerateContentWithTheModelOutOfTheBody() {
		Recording recording = new Recording(WireFormat.GEMINI);
		recording.answer("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hi\"}]},"
				+ "\"finishReason\":\"STOP\"}],\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}");
		TranslatingAdapter gemini = new TranslatingAdapter(recording, WireFormat.GEMINI);
		ByteBuf body = Unpooled.wrappedBuffer("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"
			.getBytes(StandardCharsets.UTF_8));

		UpstreamResponse response = gemini
			.exchange(new UpstreamCall(Endpoint.CHAT_COMPLETIONS, "gemini-2.5-flash", body, headers(), false))
			.block(Duration.ofSeconds(5));

		assertThat(recording.call.endpoint()).isEqualTo(Endpoint.GENERATE_CONTENT);
		assertThat(recording.call.model()).as("the model goes in the URL").isEqualTo("gemini-2.5-flash");
		JsonNode sent = JsonTrees.MAPPER.readTree(ByteBufUtil.getBytes(recording.call.body()));
		assertThat(sent.has("model")).as("Gemini's body has no model").isFalse();
		assertThat(sent.at("/contents/0/parts/0/text").stringValue()).isEqualTo("Hello");
		JsonNode completion = JsonTrees.MAPPER.readTree(body(response));
		assertThat(completion.at("/choices/0/message/content").stringValue()).isEqualTo("Hi");
		assertThat(completion.get("id").stringValue()).isEqualTo("r1");
	}

	private static HttpHeaders headers() {
		return new DefaultHttpHeaders();
	}

	private static byte[] body(UpstreamResponse response) {
		return response.body().map(buffer -> {
			try {
				return ByteBufUtil.getBytes(buffer);
			}
			finally {
				buffer.release();
			}
		}).reduce(new byte[0], (a, b) -> {
			byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
			System.arraycopy(b, 0, joined, a.length, b.length);
			return joined;
		}).block(Duration.ofSeconds(5));
	}

	/** A provider adapter that records its call and answers with a fixed JSON body. */
	private static final class Recording implements ProviderAdapter {

		private final WireFormat format;

		@Nullable UpstreamCall call;

		UpstreamResponse response = response("{}");

		Recording(WireFormat format) {
			this.format = format;
		}

		void answer(String json) {
			this.response = response(json);
		}

		@Override
		public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
			return (inbound == this.format) ? null : "wrong format";
		}

		@Override
		public Mono<UpstreamResponse> exchange(UpstreamCall call) {
			this.call = call;
			return Mono.just(this.response);
		}

		private static UpstreamResponse response(String json) {
			HttpHeaders headers = new DefaultHttpHeaders().set("content-type", "application/json");
			return new UpstreamResponse() {

				@Override
				public int status() {
					return 200;
				}

				@Override
				public HttpHeaders headers() {
					return headers;
				}

				@Override
				public Flux<ByteBuf> body() {
					return Flux.just(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
				}

				@Override
				public void discard() {
				}

			};
		}

	}

}
