package dev.switchboard.translate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.support.Json;
import dev.switchboard.translate.anthropic.AnthropicCodec;
import dev.switchboard.translate.gemini.GeminiCodec;
import dev.switchboard.translate.openai.OpenAiChatCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The golden conformance suite: every fixture under {@code src/test/resources/conformance/} (see the README there),
 * one test each: Anthropic to and from the hub, and the hub to Gemini and back (alone and composed with Anthropic). Streams are checked event by event, fed three ways (whole, in 7-byte pieces, one
 * event at a time), and each content delta a client gets must come out of the very provider event that carried it:
 * translation never buffers.
 */
class ConformanceTests {

	private static final Path ROOT = root();

	private static final TranslationContext CONTEXT = new TranslationContext(1700000000L);

	private static final WireCodec ANTHROPIC = new AnthropicCodec();

	private static final WireCodec CHAT = new OpenAiChatCodec();

	private static final WireCodec GEMINI = new GeminiCodec();

	@TestFactory
	Stream<DynamicTest> requestsFromAnthropicToChat() {
		return fixtures("anthropic/requests/to-chat", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			TranslationNotes notes = new TranslationNotes();
			ObjectNode chat = CHAT.requestFromHub(ANTHROPIC.requestToHub((ObjectNode) fixture.get("anthropic"), notes), notes);
			assertJson(chat, fixture.get("chat"), path);
			assertDropped(notes, fixture, path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> requestsFromChatToAnthropic() {
		return fixtures("anthropic/requests/from-chat", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			TranslationNotes notes = new TranslationNotes();
			ObjectNode anthropic = ANTHROPIC.requestFromHub(CHAT.requestToHub((ObjectNode) fixture.get("chat"), notes), notes);
			assertJson(anthropic, fixture.get("anthropic"), path);
			assertDropped(notes, fixture, path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> untranslatableRequestsAreRefusedNamingTheParameter() {
		return fixtures("anthropic/requests/untranslatable", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			ObjectNode request = (ObjectNode) fixture.get("request");
			boolean toChat = fixture.get("direction").stringValue().equals("to-chat");
			TranslationNotes notes = new TranslationNotes();
			UntranslatableRequestException refused = catchThrowableOfType(UntranslatableRequestException.class,
					() -> (toChat ? CHAT : ANTHROPIC).requestFromHub((toChat ? ANTHROPIC : CHAT).requestToHub(request, notes), notes));
			assertThat(refused).as("%s is refused", path.getFileName()).isNotNull();
			assertThat(refused.param()).isEqualTo(fixture.get("param").stringValue());
			assertThat(refused.getMessage()).as("a message a human can act on").isNotBlank();
		}));
	}

	@TestFactory
	Stream<DynamicTest> responsesFromAnthropicToChat() {
		return fixtures("anthropic/responses/to-chat", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			ObjectNode request = JsonTrees.object();
			ObjectNode chat = CHAT.responseFromHub(ANTHROPIC.responseToHub((ObjectNode) fixture.get("anthropic"), CONTEXT), request,
					CONTEXT);
			assertJson(chat, fixture.get("chat"), path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> responsesFromChatToAnthropic() {
		return fixtures("anthropic/responses/from-chat", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			ObjectNode anthropic = ANTHROPIC.responseFromHub(CHAT.responseToHub((ObjectNode) fixture.get("chat"), CONTEXT),
					(ObjectNode) fixture.get("request"), CONTEXT);
			assertJson(anthropic, fixture.get("anthropic"), path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> errorBodies() {
		return fixtures("anthropic/errors", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			boolean fromAnthropic = fixture.get("from").stringValue().equals("anthropic");
			int status = fixture.get("status").asInt();
			byte[] body = fixture.has("body") ? JsonTrees.bytes(fixture.get("body"))
					: fixture.get("bodyText").stringValue().getBytes(StandardCharsets.UTF_8);
			WireCodec provider = fromAnthropic ? ANTHROPIC : CHAT;
			WireCodec client = fromAnthropic ? CHAT : ANTHROPIC;
			byte[] translated = client.errorFromHub(status, provider.errorToHub(status, body));
			assertJson(JsonTrees.MAPPER.readTree(translated), fixture.get("expected"), path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> streamsFromAnthropicToChat() {
		return streams("anthropic/streams/to-chat", ANTHROPIC, CHAT);
	}

	@TestFactory
	Stream<DynamicTest> streamsFromChatToAnthropic() {
		return streams("anthropic/streams/from-chat", CHAT, ANTHROPIC);
	}

	@TestFactory
	Stream<DynamicTest> requestsFromChatToGemini() {
		return fixtures("gemini/requests/from-chat", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			TranslationNotes notes = new TranslationNotes();
			ObjectNode gemini = GEMINI.requestFromHub(CHAT.requestToHub((ObjectNode) fixture.get("chat"), notes), notes);
			assertJson(gemini, fixture.get("gemini"), path);
			assertDropped(notes, fixture, path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> requestsFromAnthropicToGemini() {
		return fixtures("gemini/requests/from-anthropic", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			TranslationNotes notes = new TranslationNotes();
			ObjectNode gemini = GEMINI.requestFromHub(ANTHROPIC.requestToHub((ObjectNode) fixture.get("anthropic"), notes),
					notes);
			assertJson(gemini, fixture.get("gemini"), path);
			assertDropped(notes, fixture, path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> requestsGeminiCannotExpressAreRefusedNamingTheParameter() {
		return fixtures("gemini/requests/untranslatable", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			ObjectNode request = (ObjectNode) fixture.get("request");
			WireCodec client = fixture.get("client").stringValue().equals("anthropic") ? ANTHROPIC : CHAT;
			TranslationNotes notes = new TranslationNotes();
			UntranslatableRequestException refused = catchThrowableOfType(UntranslatableRequestException.class,
					() -> GEMINI.requestFromHub(client.requestToHub(request, notes), notes));
			assertThat(refused).as("%s is refused", path.getFileName()).isNotNull();
			assertThat(refused.param()).isEqualTo(fixture.get("param").stringValue());
			assertThat(refused.getMessage()).as("a message a human can act on").isNotBlank();
		}));
	}

	@TestFactory
	Stream<DynamicTest> responsesFromGeminiToChat() {
		return fixtures("gemini/responses/to-chat", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			ObjectNode chat = CHAT.responseFromHub(GEMINI.responseToHub((ObjectNode) fixture.get("gemini"), CONTEXT),
					JsonTrees.object(), CONTEXT);
			assertJson(chat, fixture.get("chat"), path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> responsesFromGeminiToAnthropic() {
		return fixtures("gemini/responses/to-anthropic", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			ObjectNode anthropic = ANTHROPIC.responseFromHub(
					GEMINI.responseToHub((ObjectNode) fixture.get("gemini"), CONTEXT), (ObjectNode) fixture.get("request"),
					CONTEXT);
			assertJson(anthropic, fixture.get("anthropic"), path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> errorBodiesFromGemini() {
		return fixtures("gemini/errors", ".json").map(path -> DynamicTest.dynamicTest(name(path), () -> {
			ObjectNode fixture = read(path);
			int status = fixture.get("status").asInt();
			byte[] body = fixture.has("body") ? JsonTrees.bytes(fixture.get("body"))
					: fixture.get("bodyText").stringValue().getBytes(StandardCharsets.UTF_8);
			WireCodec client = fixture.get("to").stringValue().equals("anthropic") ? ANTHROPIC : CHAT;
			byte[] translated = client.errorFromHub(status, GEMINI.errorToHub(status, body));
			assertJson(JsonTrees.MAPPER.readTree(translated), fixture.get("expected"), path);
		}));
	}

	@TestFactory
	Stream<DynamicTest> streamsFromGeminiToChat() {
		return streams("gemini/streams/to-chat", GEMINI, CHAT);
	}

	@TestFactory
	Stream<DynamicTest> streamsFromGeminiToAnthropic() {
		return streams("gemini/streams/to-anthropic", GEMINI, ANTHROPIC);
	}

	private Stream<DynamicTest> streams(String dir, WireCodec provider, WireCodec client) {
		return fixtures(dir, ".json").flatMap(path -> {
			ObjectNode fixture = read(path);
			String name = path.getFileName().toString().replace(".json", "");
			String upstream = text(path.resolveSibling(
					fixture.has("upstream") ? fixture.get("upstream").stringValue() : name + ".upstream.sse"));
			List<SseEvent> expected = SseParser.parseAll(text(path.resolveSibling(name + ".client.sse")));
			ObjectNode request = (ObjectNode) fixture.get("request");
			return Stream.of(
					DynamicTest.dynamicTest(name + " (whole)", () -> {
						Fed fed = feed(provider, client, request, List.of(upstream));
						assertStream(fed, expected, fixture, path);
					}),
					DynamicTest.dynamicTest(name + " (7-byte pieces)", () -> {
						byte[] bytes = upstream.getBytes(StandardCharsets.UTF_8);
						assertStream(feedBytes(provider, client, request, bytes, 7), expected, fixture, path);
					}),
					DynamicTest.dynamicTest(name + " (event by event, nothing held back)", () -> {
						List<String> rawEvents = rawEvents(upstream);
						Fed fed = feed(provider, client, request, rawEvents);
						assertStream(fed, expected, fixture, path);
						for (int i = 0; i < rawEvents.size(); i++) {
							for (SseEvent out : SseParser.parseAll(fed.perInput.get(i))) {
								String delta = deltaText(out);
								if (delta != null) {
									String escaped = Json.quote(delta);
									String raw = rawEvents.get(i);
									// inside a JSON string (text, OpenAI's arguments) or as JSON itself (Gemini's args)
									assertThat(raw.contains(escaped.substring(1, escaped.length() - 1)) || raw.contains(delta))
										.as("client delta %s of %s came out of the upstream event that carried it:\n%s", delta,
												name, raw)
										.isTrue();
								}
							}
						}
					}));
		});
	}

	/** The content a client event carries (text, reasoning, tool arguments), or null. */
	private static String deltaText(SseEvent event) {
		if (event.data().equals("[DONE]")) {
			return null;
		}
		JsonNode data = JsonTrees.parse(event.data());
		JsonNode delta = data.path("delta");
		for (String field : new String[] { "text", "partial_json", "thinking" }) {
			if (!delta.path(field).asString("").isEmpty()) {
				return delta.path(field).asString();
			}
		}
		JsonNode chat = data.path("choices").path(0).path("delta");
		for (String field : new String[] { "content", "reasoning_content" }) {
			if (!chat.path(field).asString("").isEmpty()) {
				return chat.path(field).asString();
			}
		}
		String arguments = chat.path("tool_calls").path(0).path("function").path("arguments").asString("");
		return arguments.isEmpty() ? null : arguments;
	}

	private static void assertStream(Fed fed, List<SseEvent> expected, ObjectNode fixture, Path path) {
		List<SseEvent> actual = SseParser.parseAll(fed.output());
		for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
			SseEvent want = expected.get(i);
			SseEvent got = actual.get(i);
			assertThat(got.event()).as("event %d of %s: name", i, path.getFileName()).isEqualTo(want.event());
			if (want.data().equals("[DONE]")) {
				assertThat(got.data()).as("event %d of %s", i, path.getFileName()).isEqualTo("[DONE]");
			}
			else {
				assertJson(JsonTrees.parse(got.data()), JsonTrees.parse(want.data()),
						path.getFileName() + " event " + i);
			}
		}
		assertThat(actual).as("events of %s:\n%s", path.getFileName(), fed.output()).hasSameSizeAs(expected);
		assertThat(fed.ended).as("%s ends well", path.getFileName()).isEqualTo(fixture.get("ends").asBoolean());
		if (fixture.has("error")) {
			assertThat(fed.failure).as("%s fails", path.getFileName()).isNotNull();
			assertThat(fed.failure.getMessage()).contains(fixture.get("error").stringValue());
		}
		else {
			assertThat(fed.failure).as("%s does not fail", path.getFileName()).isNull();
		}
	}

	/** What a stream translation gave, whole and per input buffer. */
	private record Fed(List<String> perInput, boolean ended, UpstreamStreamException failure) {

		String output() {
			return String.join("", this.perInput);
		}

	}

	private static Fed feed(WireCodec provider, WireCodec client, ObjectNode request, List<String> inputs) {
		StreamTranslation translation = new StreamTranslation(provider.streamToHub(CONTEXT),
				client.streamFromHub(request, CONTEXT));
		List<String> out = new ArrayList<>();
		for (String input : inputs) {
			out.add(translation.next(Unpooled.wrappedBuffer(input.getBytes(StandardCharsets.UTF_8))));
		}
		return new Fed(out, translation.ended(), translation.failure());
	}

	private static Fed feedBytes(WireCodec provider, WireCodec client, ObjectNode request, byte[] bytes, int size) {
		StreamTranslation translation = new StreamTranslation(provider.streamToHub(CONTEXT),
				client.streamFromHub(request, CONTEXT));
		List<String> out = new ArrayList<>();
		for (int i = 0; i < bytes.length; i += size) {
			out.add(translation.next(Unpooled.wrappedBuffer(bytes, i, Math.min(size, bytes.length - i))));
		}
		return new Fed(out, translation.ended(), translation.failure());
	}

	/** The transcript cut after each blank line, each piece one raw event. */
	private static List<String> rawEvents(String transcript) {
		List<String> events = new ArrayList<>();
		int start = 0;
		int end;
		while ((end = transcript.indexOf("\n\n", start)) >= 0) {
			events.add(transcript.substring(start, end + 2));
			start = end + 2;
		}
		return events;
	}

	private static void assertDropped(TranslationNotes notes, ObjectNode fixture, Path path) {
		List<String> dropped = new ArrayList<>();
		fixture.path("dropped").forEach(node -> dropped.add(node.stringValue()));
		assertThat(notes.dropped()).as("parameters dropped by %s", path.getFileName()).containsExactlyInAnyOrderElementsOf(dropped);
	}

	/** Equal as JSON: key order ignored, numbers by value. */
	private static void assertJson(JsonNode actual, JsonNode expected, Object where) {
		JsonNode canonical = JsonTrees.MAPPER.readTree(JsonTrees.text(actual));
		JsonNode wanted = JsonTrees.MAPPER.readTree(JsonTrees.text(expected));
		assertThat(canonical).as("%s:\nexpected %s\nactual   %s", where, wanted, canonical).isEqualTo(wanted);
	}

	private static Stream<Path> fixtures(String dir, String suffix) {
		try {
			List<Path> paths;
			try (Stream<Path> list = Files.list(ROOT.resolve(dir))) {
				paths = list.filter(path -> path.getFileName().toString().endsWith(suffix)).sorted().toList();
			}
			assertThat(paths).as("fixtures in %s", dir).isNotEmpty();
			return paths.stream();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String name(Path path) {
		return path.getFileName().toString().replace(".json", "");
	}

	private static ObjectNode read(Path path) {
		return (ObjectNode) JsonTrees.MAPPER.readTree(text(path));
	}

	private static String text(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path root() {
		try {
			return Path.of(ConformanceTests.class.getResource("/conformance").toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
