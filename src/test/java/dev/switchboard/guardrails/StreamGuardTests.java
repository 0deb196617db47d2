package dev.switchboard.guardrails;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.provider.Endpoint;
import dev.switchboard.support.Json;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream redactor on its own: a secret and a mask placeholder split across events at every possible cut are
 * caught, each event keeps its framing, only events holding a possible match wait, and all is flushed at the end.
 */
class StreamGuardTests {

	private static final Guardrail SECRETS = SecretCatalogTests.compile(Map.of("type", "secrets"));

	@Test
	void aSecretSplitAtEveryCutIntoTwoOrThreeEventsIsRedacted() {
		String secret = Fixtures.githubToken();
		String text = "Use " + secret + " to push.";
		for (int i = 1; i < text.length(); i++) {
			for (int j = i; j < text.length(); j += (j == i) ? 1 : 7) {
				List<String> pieces = (j == i) ? List.of(text.substring(0, i), text.substring(i))
						: List.of(text.substring(0, i), text.substring(i, j), text.substring(j));
				String out = chatText(run(guard(responseScanner(SECRETS), Endpoint.CHAT_COMPLETIONS), chatEvents(pieces)));
				assertThat(out).as("cut at " + i + "," + j).isEqualTo("Use [REDACTED:github-token] to push.");
			}
		}
	}

	@Test
	void aPlaceholderSplitAtEveryCutIsRestored() {
		Masks masks = new Masks();
		String placeholder = masks.placeholder("EMAIL", "jane@example.com");
		String text = "Write to " + placeholder + " soon.";
		for (int i = 1; i < text.length(); i++) {
			Scanner scanner = new Scanner(List.of(), Direction.RESPONSE, new RestoreRule(masks));
			GuardContext context = context();
			String out = chatText(run(new StreamGuard(context, scanner), chatEvents(List.of(text.substring(0, i), text.substring(i)))));
			assertThat(out).as("cut at " + i).isEqualTo("Write to jane@example.com soon.");
			assertThat(context.restored()).isTrue();
		}
	}

	@Test
	void everyCharacterAsItsOwnEventKeepsEachEventsFramingAndRedacts() {
		String secret = Fixtures.awsAccessKeyId();
		String text = "key " + secret + " end";
		List<String> pieces = new ArrayList<>();
		for (char c : text.toCharArray()) {
			pieces.add(String.valueOf(c));
		}
		List<String> out = run(guard(responseScanner(SECRETS), Endpoint.CHAT_COMPLETIONS), chatEvents(pieces));
		assertThat(out).hasSize(pieces.size() + 1).allMatch(event -> event.startsWith("data: "));
		assertThat(chatText(out)).isEqualTo("key [REDACTED:aws-access-key-id] end");
	}

	@Test
	void eventsWithoutAPossibleMatchPassAtOnce() {
		StreamGuard guard = guard(responseScanner(SECRETS), Endpoint.CHAT_COMPLETIONS);
		for (String word : List.of("The", " quick", " brown", " fox", " jumps.")) {
			List<byte[]> now = guard.accept(chatEvent(word).getBytes(StandardCharsets.UTF_8));
			assertThat(now).as("released at once: " + word).hasSize(1);
		}
		// "A" could begin AKIA...: held until the next event tells
		assertThat(guard.accept(chatEvent(" A").getBytes(StandardCharsets.UTF_8))).isEmpty();
		assertThat(guard.accept(chatEvent(" dog").getBytes(StandardCharsets.UTF_8))).hasSize(2);
	}

	@Test
	void aPrivateKeyLongerThanTheHoldBackIsRedactedToItsEndLine() {
		String pem = Fixtures.privateKey();
		String text = "Here:\n" + pem + "\nDone.";
		List<String> pieces = new ArrayList<>();
		for (int i = 0; i < text.length(); i += 5) {
			pieces.add(text.substring(i, Math.min(text.length(), i + 5)));
		}
		String out = chatText(run(guard(responseScanner(SECRETS), Endpoint.CHAT_COMPLETIONS), chatEvents(pieces)));
		assertThat(out).isEqualTo("Here:\n[REDACTED:private-key]\nDone.");
	}

	@Test
	void aBlockingRuleEndsTheStreamWithAnInBandError() {
		Guardrail blocking = SecretCatalogTests.compile(Map.of("type", "secrets", "action", "block"));
		StreamGuard guard = guard(responseScanner(blocking), Endpoint.MESSAGES);
		String secret = Fixtures.githubToken();
		List<String> out = new ArrayList<>();
		for (String piece : List.of("ok ", secret.substring(0, 10), secret.substring(10), " more")) {
			String event = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
					+ Json.quote(piece) + "}}\n\n";
			guard.accept(event.getBytes(StandardCharsets.UTF_8)).forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
		}
		assertThat(guard.error()).isNotNull();
		assertThat(out.get(out.size() - 1)).startsWith("event: error\n")
			.contains("guardrail_blocked")
			.contains("'g' (rule github-token)")
			.doesNotContain(secret.substring(0, 10));
		assertThat(String.join("", out)).doesNotContain(secret.substring(10));
	}

	@Test
	void responsesAndAnthropicDeltasKeepTheirFraming() {
		String secret = Fixtures.githubToken();
		StreamGuard guard = guard(responseScanner(SECRETS), Endpoint.RESPONSES);
		List<String> out = new ArrayList<>();
		for (String piece : List.of("a ", secret.substring(0, 7), secret.substring(7), " b")) {
			String event = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":"
					+ Json.quote(piece) + ",\"sequence_number\":3}\n\n";
			guard.accept(event.getBytes(StandardCharsets.UTF_8)).forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
		}
		guard.finish().forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
		assertThat(out).hasSize(4).allMatch(e -> e.startsWith("event: response.output_text.delta\ndata: {\"type\""))
			.allMatch(e -> e.contains("\"sequence_number\":3}"));
		assertThat(String.join("", out)).contains("[REDACTED:github-token]").doesNotContain(secret.substring(7));
	}

	@Test
	void toolCallArgumentsAreCheckedAcrossEventsAndRestoredValuesEscaped() {
		String secret = Fixtures.githubToken();
		Masks masks = new Masks();
		masks.placeholder("EMAIL", "a\"b@example.com");
		Scanner scanner = new Scanner(List.of(withResponse(SECRETS)), Direction.RESPONSE, new RestoreRule(masks));
		StreamGuard guard = new StreamGuard(context(), scanner);
		List<String> out = new ArrayList<>();
		String args = "{\"to\":\"[EMAIL_1]\",\"token\":\"" + secret + "\"}";
		for (int i = 0; i < args.length(); i += 7) {
			String piece = args.substring(i, Math.min(args.length(), i + 7));
			String event = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":"
					+ Json.quote(piece) + "}}\n\n";
			guard.accept(event.getBytes(StandardCharsets.UTF_8)).forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
		}
		guard.finish().forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
		StringBuilder json = new StringBuilder();
		tools.jackson.databind.json.JsonMapper mapper = tools.jackson.databind.json.JsonMapper.builder().build();
		for (String event : out) {
			json.append(mapper.readTree(event.substring(event.indexOf("data: ") + 6).trim()).path("delta").path("partial_json").asString());
		}
		tools.jackson.databind.JsonNode input = mapper.readTree(json.toString());
		assertThat(input.path("to").asString()).as("the original, JSON-escaped inside the arguments").isEqualTo("a\"b@example.com");
		assertThat(input.path("token").asString()).isEqualTo("[REDACTED:github-token]");
	}

	@Test
	void aRandomTokenWhoseFirstEventLookedLikeAWordHasTheRestRedacted() {
		String rest = Fixtures.alnum(30, 77) + "9";
		String out = chatText(run(guard(responseScanner(SECRETS), Endpoint.CHAT_COMPLETIONS),
				chatEvents(List.of("token abcd", rest, " end"))));
		assertThat(out).as("the plain first part went out before the rest could be judged")
			.isEqualTo("token abcd[REDACTED:high-entropy] end");
	}

	static Scanner responseScanner(Guardrail guardrail) {
		return new Scanner(List.of(withResponse(guardrail)), Direction.RESPONSE, null);
	}

	static Guardrail withResponse(Guardrail g) {
		return new Guardrail(g.name(), g.type(), g.action(), java.util.Set.of(Direction.RESPONSE), g.global(), g.rules(),
				g.webhook());
	}

	static GuardContext context() {
		return new GuardContext("req-1", "r", "k", "m", Endpoint.CHAT_COMPLETIONS,
				new GuardrailAudit(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
	}

	static StreamGuard guard(Scanner scanner, Endpoint endpoint) {
		return new StreamGuard(new GuardContext("req-1", "r", "k", "m", endpoint,
				new GuardrailAudit(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())), scanner);
	}

	static String chatEvent(String piece) {
		return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
				+ Json.quote(piece) + "},\"finish_reason\":null}]}\n\n";
	}

	static List<String> chatEvents(List<String> pieces) {
		List<String> events = new ArrayList<>();
		pieces.forEach(piece -> events.add(chatEvent(piece)));
		events.add("data: [DONE]\n\n");
		return events;
	}

	static List<String> run(StreamGuard guard, List<String> events) {
		List<String> out = new ArrayList<>();
		for (String event : events) {
			guard.accept(event.getBytes(StandardCharsets.UTF_8)).forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
		}
		guard.finish().forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
		return out;
	}

	/** The content of a chat stream's events, joined. */
	static String chatText(List<String> events) {
		StringBuilder text = new StringBuilder();
		for (String event : events) {
			if (event.startsWith("data: {")) {
				String json = event.substring(6).trim();
				tools.jackson.databind.JsonNode node = tools.jackson.databind.json.JsonMapper.builder().build().readTree(json);
				text.append(node.path("choices").path(0).path("delta").path("content").asString(""));
			}
		}
		return text.toString();
	}

}
