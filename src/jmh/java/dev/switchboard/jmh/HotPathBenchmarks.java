package dev.switchboard.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.auth.ApiKeyIndex;
import dev.switchboard.auth.GatewayKey;
import dev.switchboard.auth.KeyRecord;
import dev.switchboard.auth.KeySpec;
import dev.switchboard.auth.KeyRegistry;
import dev.switchboard.auth.ModelPolicy;
import dev.switchboard.body.JsonRequest;
import dev.switchboard.body.JsonRequestParser;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderType;
import dev.switchboard.provider.mock.MockAdapter;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RouteTable;
import dev.switchboard.routing.Target;
import dev.switchboard.streaming.SseEventFramer;
import dev.switchboard.streaming.StreamEnd;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.support.Json;
import dev.switchboard.translate.StreamTranslation;
import dev.switchboard.translate.TranslationContext;
import dev.switchboard.translate.WireCodecs;

/**
 * The per-request work the gateway does itself, on the shared benchmark's request and answers
 * ({@code ../shared/bench/requests} and {@code mock}, with copies used when those are not beside the checkout): what
 * each step costs against the ~150 us a whole proxied request takes on one core.
 * <p>
 * Run: {@code ./mvnw -Pjmh test} (arguments for JMH in {@code -Djmh.args=...}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmarks {

	private static final String KEY = "sk-bench-0000000000000000000000000000";

	private static final String API_KEY = "sk-sb-bench-000000000000000000000000000000000000";

	private byte[] request;

	private byte[] answer;

	private byte[] stream;

	private byte[] anthropicStream;

	private ObjectNode clientRequest;

	private KeyRegistry keys;

	private ApiKeyIndex apiKeys;

	private RouteTable routes;

	@Setup
	public void setUp() throws IOException {
		this.request = read("requests/chat.json", Fixtures.CHAT_REQUEST);
		this.answer = read("mock/chat.json", Fixtures.CHAT_ANSWER);
		this.stream = read("mock/chat.sse", Fixtures.CHAT_STREAM);
		this.anthropicStream = read("mock/messages.sse", Fixtures.MESSAGES_STREAM);
		this.clientRequest = (ObjectNode) JsonMapper.builder().build().readTree(read("requests/chat-stream.json",
				Fixtures.CHAT_REQUEST.replace("\"stream\":false", "\"stream\":true")));
		KeyRegistry.Builder registry = KeyRegistry.builder();
		for (int i = 0; i < 100; i++) {
			registry.add(KeyRegistry.sha256("sk-team-" + i), new GatewayKey("team-" + i, ModelPolicy.any()));
		}
		registry.add(KeyRegistry.sha256(KEY), new GatewayKey("bench", ModelPolicy.any()));
		this.keys = registry.build();
		List<KeyRecord> records = new java.util.ArrayList<>();
		java.time.Instant now = java.time.Instant.now();
		for (int i = 0; i <= 100; i++) {
			String key = (i < 100) ? API_KEY + "-" + i : API_KEY;
			records.add(new KeyRecord("api-" + i, HexFormat.of().formatHex(KeyRegistry.sha256(key)), "0000",
					KeySpec.DEFAULT, KeyRecord.API, now, now, null, null));
		}
		this.apiKeys = new ApiKeyIndex();
		this.apiKeys.replaceAll(records);
		Provider openai = new Provider("openai", ProviderType.MOCK, Duration.ofSeconds(60), Duration.ofSeconds(60),
				List.of(), new MockAdapter(), CircuitBreaker.ofDefaults("openai"));
		this.routes = new RouteTable(
				Map.of("fast", new RoutePlan("fast", List.of(Target.of(openai, "gpt-4o-mini")), Duration.ofSeconds(300), 0)),
				Map.of("openai", openai));
	}

	/** Finds {@code model} and {@code stream} in the body (the only parse on a passthrough request). */
	@Benchmark
	public JsonRequest modelExtraction() {
		return JsonRequestParser.parse(this.request);
	}

	/** SHA-256 of the presented key and a constant-time lookup among 101 keys. */
	@Benchmark
	public GatewayKey authLookup() {
		return this.keys.find(KEY);
	}

	/** The same for a key issued through the admin API: SHA-256 and a lookup among 101 API keys. */
	@Benchmark
	public GatewayKey authLookupApiKey() {
		byte[] digest = KeyRegistry.sha256(API_KEY);
		return this.apiKeys.find(digest, HexFormat.of().formatHex(digest));
	}

	@Benchmark
	public RoutePlan routeResolutionAlias() {
		return this.routes.resolve("fast");
	}

	@Benchmark
	public RoutePlan routeResolutionDirect() {
		return this.routes.resolve("openai/gpt-4o-mini");
	}

	/** The mock's whole 23-event stream, arriving in 1 KiB reads, cut into whole events. */
	@Benchmark
	public void sseFraming(Blackhole sink) {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
		for (int offset = 0; offset < this.stream.length; offset += 1024) {
			ByteBuf chunk = Unpooled.wrappedBuffer(this.stream, offset, Math.min(1024, this.stream.length - offset));
			ByteBuf events = framer.next(chunk);
			if (events != null) {
				sink.consume(events.readableBytes());
				events.release();
			}
		}
		sink.consume(framer.terminated());
		framer.release();
	}

	/** The same stream arriving in one read, as the benchmark's mock sends it. */
	@Benchmark
	public void sseFramingOneRead(Blackhole sink) {
		SseEventFramer framer = new SseEventFramer(StreamEnd.OPENAI_CHAT);
		ByteBuf events = framer.next(Unpooled.wrappedBuffer(this.stream));
		sink.consume(events.readableBytes());
		events.release();
		sink.consume(framer.terminated());
		framer.release();
	}

	/**
	 * A whole Anthropic stream (the mock's, 19 text deltas and the frame events around them) translated event by
	 * event to an OpenAI client's chunks: what a translated stream adds per stream; divide by 25 for an event.
	 */
	@Benchmark
	public void streamTranslation(Blackhole sink) {
		TranslationContext context = new TranslationContext(1745000000);
		StreamTranslation translation = new StreamTranslation(
				WireCodecs.of(WireFormat.ANTHROPIC).streamToHub(context),
				WireCodecs.of(WireFormat.OPENAI).streamFromHub(this.clientRequest, context));
		ByteBuf events = Unpooled.wrappedBuffer(this.anthropicStream);
		sink.consume(translation.next(events));
		sink.consume(translation.ended());
	}

	/** Checks a JSON answer and reads its token usage in one scan (done for every non-streamed answer). */
	@Benchmark
	public Object usageExtraction() {
		return Json.usageIfValid(this.answer);
	}

	/** The file from the shared benchmark beside the checkout, or the copy kept here. */
	private static byte[] read(String sharedPath, String fallback) throws IOException {
		Path shared = Path.of("..", "shared", "bench", sharedPath);
		return Files.exists(shared) ? Files.readAllBytes(shared) : fallback.getBytes(StandardCharsets.UTF_8);
	}

}
