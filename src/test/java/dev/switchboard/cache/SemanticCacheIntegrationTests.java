package dev.switchboard.cache;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.switchboard.support.Json;
import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The semantic mode through HTTP on the labelled pairs (route {@code cached-semantic}, threshold 0.9): the first
 * prompt of each pair is answered upstream and stored, the second is a {@code semantic-hit} when it asks the same
 * thing and a miss when it asks something else. Each pair has a {@code max_tokens} of its own, so that pairs are
 * compared only within themselves (a non-text parameter that differs is never similar).
 */
class SemanticCacheIntegrationTests extends GatewayIntegrationTest {

	private static final String CHAT = "/v1/chat/completions";

	@Autowired
	private MeterRegistry meters;

	/**
	 * A max_tokens no other test sends: the stubbed embeddings are the same in every test, and a parameter of its own
	 * keeps a test's conversations apart from the others'.
	 */
	private final int maxTokens = 1 + (int) (System.nanoTime() % 1_000_000);

	@Test
	void paraphrasesAreSemanticHitsAndOtherQuestionsMisses() throws InterruptedException {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("c-model", "Stored answer"))));
		List<LabelledPairs.Pair> pairs = LabelledPairs.PAIRS;
		int base = (int) (System.nanoTime() % 100_000) * 100;
		int hits = 0;
		int paraphrases = 0;
		for (int i = 0; i < pairs.size(); i++) {
			LabelledPairs.Pair pair = pairs.get(i);
			int maxTokens = base + i;
			assertThat(send(pair.first(), maxTokens).getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
			// stored (and its conversation indexed) just after the answer's last byte went out
			Thread.sleep(100);
			EntityExchangeResult<byte[]> second = send(pair.second(), maxTokens);
			String result = second.getResponseHeaders().getFirst("x-switchboard-cache");
			if (pair.paraphrase()) {
				paraphrases++;
				if ("semantic-hit".equals(result)) {
					hits++;
					assertThat(new String(second.getResponseBody())).contains("Stored answer");
				}
			}
			else {
				assertThat(result).as("'" + pair.second() + "' is not '" + pair.first() + "'").isEqualTo("miss");
			}
		}
		assertThat(hits).as("paraphrases served from the cache").isGreaterThanOrEqualTo(paraphrases * 3 / 4);
		PRIMARY.verify(2 * pairs.size() - hits, postRequestedFor(urlEqualTo(CHAT)));
		Timer lookups = this.meters.get(CacheMetrics.SEMANTIC_LOOKUP).tag("route", "cached-semantic").timer();
		double p50 = java.util.Arrays.stream(lookups.takeSnapshot().percentileValues())
			.filter(value -> value.percentile() == 0.5)
			.mapToDouble(value -> value.value(TimeUnit.MILLISECONDS))
			.findFirst()
			.orElse(-1);
		System.out.println("semantic lookups (embedding included): " + lookups.count() + ", p50 "
				+ String.format("%.2f", p50) + " ms, mean "
				+ String.format("%.2f", lookups.mean(TimeUnit.MILLISECONDS)) + " ms, max "
				+ String.format("%.2f", lookups.max(TimeUnit.MILLISECONDS)) + " ms; " + hits + "/" + paraphrases
				+ " paraphrases hit, 0/" + (pairs.size() - paraphrases) + " others");
	}

	@Test
	void anEmbeddingModelServedByTheGatewayComparesConversationsToo() throws InterruptedException {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("c-model", "From the remote model's neighbour"))));
		String tag = Long.toString(System.nanoTime());
		embeds("capital of France", "[1.0, 0.0, 0.0]");
		embeds("capital city of France", "[0.98, 0.2, 0.0]");
		embeds("capital of Germany", "[0.0, 1.0, 0.0]");

		EntityExchangeResult<byte[]> stored = sendTo("cached-semantic-remote", "What is the capital of France? " + tag);
		Thread.sleep(100);
		EntityExchangeResult<byte[]> paraphrase = sendTo("cached-semantic-remote", "The capital city of France? " + tag);
		EntityExchangeResult<byte[]> other = sendTo("cached-semantic-remote", "What is the capital of Germany? " + tag);

		assertThat(stored.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		assertThat(paraphrase.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("semantic-hit");
		assertThat(other.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		PRIMARY.verify(2, postRequestedFor(urlEqualTo(CHAT)));
		PRIMARY.verify(3, postRequestedFor(urlEqualTo("/v1/embeddings"))
			.withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.model",
					com.github.tomakehurst.wiremock.client.WireMock.equalTo("e-model"))));
	}

	@Test
	void withStreamsFromJsonOffASimilarJsonAnswerIsNotToldAsAStream() throws InterruptedException {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("c-model", "Paris, as JSON"))));
		String events = OpenAiFixtures.stream("c-model", "Paris, ", "streamed");
		PRIMARY.stubFor(post(CHAT).atPriority(1).withRequestBody(ResponseCacheIntegrationTests.STREAMING)
			.willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "text/event-stream")
				.withBody(events)));
		String tag = Long.toString(System.nanoTime());
		embeds("capital of France", "[1.0, 0.0, 0.0]");
		embeds("capital city of France", "[0.98, 0.2, 0.0]");

		EntityExchangeResult<byte[]> told = exchange("cached-semantic-remote", "What is the capital of France? " + tag, false);
		Thread.sleep(100);
		EntityExchangeResult<byte[]> toldAsStream = exchange("cached-semantic-remote", "The capital city of France? " + tag,
				true);
		EntityExchangeResult<byte[]> json = exchange("cached-semantic-streams", "What is the capital of France? " + tag, false);
		Thread.sleep(100);
		EntityExchangeResult<byte[]> upstream = exchange("cached-semantic-streams", "The capital city of France? " + tag,
				true);
		Thread.sleep(100);
		EntityExchangeResult<byte[]> replayed = exchange("cached-semantic-streams", "The capital city of France? " + tag,
				true);

		assertThat(told.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		assertThat(toldAsStream.getResponseHeaders().getFirst("x-switchboard-cache")).as("the default: told from JSON")
			.isEqualTo("semantic-hit");
		assertThat(json.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("miss");
		assertThat(upstream.getResponseHeaders().getFirst("x-switchboard-cache")).as("streams-from-json: false")
			.isEqualTo("miss");
		assertThat(new String(upstream.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(events);
		assertThat(replayed.getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		assertThat(replayed.getResponseBody()).isEqualTo(upstream.getResponseBody());
		PRIMARY.verify(3, postRequestedFor(urlEqualTo(CHAT)));
	}

	private EntityExchangeResult<byte[]> exchange(String model, String prompt, boolean stream) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"" + model + "\",\"max_tokens\":" + this.maxTokens + ",\"stream\":" + stream
					+ ",\"messages\":[{\"role\":\"user\","
					+ "\"content\":" + Json.quote(prompt) + "}]}")
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static void embeds(String words, String vector) {
		PRIMARY.stubFor(post("/v1/embeddings")
			.withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(words))
			.willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":" + vector
						+ "}],\"model\":\"e-model\",\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}")));
	}

	private EntityExchangeResult<byte[]> sendTo(String model, String prompt) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":" + Json.quote(prompt) + "}]}")
			.exchange()
			.expectBody()
			.returnResult();
	}

	@Test
	void anIdenticalRequestIsAnExactHitInTheSemanticMode() {
		PRIMARY.stubFor(post(CHAT).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(OpenAiFixtures.completion("c-model", "Exact"))));
		String prompt = ResponseCacheIntegrationTests.prompt();

		send(prompt, 7);

		assertThat(send(prompt, 7).getResponseHeaders().getFirst("x-switchboard-cache")).isEqualTo("hit");
		PRIMARY.verify(1, postRequestedFor(urlEqualTo(CHAT)));
	}

	private EntityExchangeResult<byte[]> send(String prompt, int maxTokens) {
		return this.client.post()
			.uri(CHAT)
			.header("Authorization", "Bearer " + TEAM_A_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"cached-semantic\",\"max_tokens\":" + maxTokens + ",\"messages\":[{\"role\":\"user\","
					+ "\"content\":" + Json.quote(prompt) + "}]}")
			.exchange()
			.expectBody()
			.returnResult();
	}

}
