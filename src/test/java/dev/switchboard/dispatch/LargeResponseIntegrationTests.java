package dev.switchboard.dispatch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.switchboard.testsupport.GatewayIntegrationTest;
import dev.switchboard.testsupport.OpenAiFixtures;
import dev.switchboard.testsupport.UpstreamPool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers of tens of MiB go through whole and with bounded memory, JSON or stream, declared length or chunked; and
 * a client that stops reading stops the upstream read instead of making the gateway buffer the answer.
 */
class LargeResponseIntegrationTests extends GatewayIntegrationTest {

	private static final int MIB = 1024 * 1024;

	/** 40 MiB: five times what the gateway reads whole to check a JSON answer. */
	private static final int CHUNKS = 40;

	@Test
	void aChunkedJsonAnswerOfFortyMebibytesArrivesWholeAndUnchanged() throws Exception {
		assertPassesThrough(false);
	}

	@Test
	void aJsonAnswerWithADeclaredLengthOfFortyMebibytesArrivesWholeAndUnchanged() throws Exception {
		assertPassesThrough(true);
	}

	@Test
	void aStreamOfFortyMebibytesArrivesWholeAndEndsCleanly() throws Exception {
		String event = OpenAiFixtures.chunkEvent("s-1", "x".repeat(16 * 1024));
		int events = CHUNKS * MIB / event.length();
		SCRIPTED.respond((request, response) -> response.header("content-type", "text/event-stream")
			.sendString(Flux.range(0, events).map(i -> event).concatWithValues(OpenAiFixtures.DONE_EVENT)));

		Received received = fetch(streamBody("scripted"));

		assertThat(received.bytes).isEqualTo((long) events * event.length() + OpenAiFixtures.DONE_EVENT.length());
		assertThat(received.tail).endsWith(OpenAiFixtures.DONE_EVENT);
		UpstreamPool.assertNoConnectionInUse(SCRIPTED.baseUrl());
	}

	@Test
	void aClientThatStopsReadingStopsTheUpstreamReadAndItsLeavingClosesTheUpstream() throws Exception {
		AtomicLong produced = new AtomicLong();
		String event = OpenAiFixtures.chunkEvent("s-1", "y".repeat(16 * 1024));
		// an endless stream the upstream writes as fast as it is read
		SCRIPTED.respond((request, response) -> response.header("content-type", "text/event-stream")
			.sendString(Flux.<String>generate(sink -> sink.next(event)).doOnNext(e -> produced.addAndGet(e.length()))));
		HttpClient client = HttpClient.create(ConnectionProvider.newConnection()).baseUrl(baseUrl());
		Connection connection = client.headers(h -> h.set("authorization", "Bearer " + TEAM_A_KEY)
				.set("content-type", "application/json"))
			.post()
			.uri("/v1/chat/completions")
			.send(ByteBufFlux.fromString(Mono.just(streamBody("scripted"))))
			.responseConnection((response, c) -> {
				// read nothing: the client's socket buffer fills, then the gateway's, then the upstream's
				c.channel().config().setAutoRead(false);
				return Mono.just(c);
			})
			.blockFirst(Duration.ofSeconds(10));

		long plateau = waitForPlateau(produced);

		assertThat(plateau).as("what the upstream could write with nobody reading: socket and bounded gateway buffers, "
				+ "not the endless answer").isLessThan(64L * MIB);
		connection.dispose();
		assertThat(SCRIPTED.connectionClosed().await(5, TimeUnit.SECONDS)).as("the upstream is closed").isTrue();
		UpstreamPool.assertNoConnectionInUse(SCRIPTED.baseUrl());
	}

	private void assertPassesThrough(boolean declaredLength) throws Exception {
		byte[] chunk = jsonChunk();
		String head = "{\"object\":\"list\",\"data\":[";
		String tail = "{}]}";
		long length = head.length() + (long) CHUNKS * chunk.length + tail.length();
		MessageDigest expected = MessageDigest.getInstance("SHA-256");
		expected.update(head.getBytes(StandardCharsets.US_ASCII));
		for (int i = 0; i < CHUNKS; i++) {
			expected.update(chunk);
		}
		expected.update(tail.getBytes(StandardCharsets.US_ASCII));
		SCRIPTED.respond((request, response) -> {
			response.header("content-type", "application/json");
			if (declaredLength) {
				response.header("content-length", Long.toString(length));
			}
			return response.send(Flux.concat(Mono.fromSupplier(() -> ascii(head)),
					Flux.range(0, CHUNKS).map(i -> Unpooled.wrappedBuffer(chunk)), Mono.fromSupplier(() -> ascii(tail))));
		});

		Received received = fetch(chatBody("scripted"));

		assertThat(received.status).isEqualTo(200);
		assertThat(received.bytes).isEqualTo(length);
		assertThat(received.sha256).as("every byte, in order").isEqualTo(HexFormat.of().formatHex(expected.digest()));
		UpstreamPool.assertNoConnectionInUse(SCRIPTED.baseUrl());
	}

	/** A MiB of JSON array elements, each ending in a comma. */
	private static byte[] jsonChunk() {
		String element = "{\"embedding\":[0.0123456789,-0.0123456789,0.5]},";
		StringBuilder chunk = new StringBuilder(MIB);
		while (chunk.length() + element.length() <= MIB) {
			chunk.append(element);
		}
		return chunk.toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static ByteBuf ascii(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
	}

	/** Reads the response without keeping it: its status, size, digest and last bytes. */
	private Received fetch(String body) {
		return HttpClient.create(ConnectionProvider.newConnection())
			.baseUrl(baseUrl())
			.responseTimeout(Duration.ofSeconds(30))
			.headers(h -> h.set("authorization", "Bearer " + TEAM_A_KEY).set("content-type", "application/json"))
			.post()
			.uri("/v1/chat/completions")
			.send(ByteBufFlux.fromString(Mono.just(body)))
			.responseConnection((response, connection) -> connection.inbound()
				.receive()
				.reduce(new Received(response.status().code()), Received::add)
				.map(Received::finish))
			.blockFirst(Duration.ofSeconds(60));
	}

	/** Polls until what the upstream produced stops growing for a second, and returns it. */
	private static long waitForPlateau(AtomicLong produced) throws InterruptedException {
		long last = -1;
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			Thread.sleep(1000);
			long now = produced.get();
			if (now == last) {
				return now;
			}
			last = now;
		}
		return produced.get();
	}

	private static final class Received {

		private final int status;

		private final MessageDigest digest;

		private long bytes;

		private String tail = "";

		private String sha256;

		Received(int status) {
			this.status = status;
			try {
				this.digest = MessageDigest.getInstance("SHA-256");
			}
			catch (java.security.NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

		Received add(ByteBuf buffer) {
			byte[] bytes = new byte[buffer.readableBytes()];
			buffer.readBytes(bytes);
			this.digest.update(bytes);
			this.bytes += bytes.length;
			String text = this.tail + new String(bytes, StandardCharsets.US_ASCII);
			this.tail = text.substring(Math.max(0, text.length() - 64));
			return this;
		}

		Received finish() {
			this.sha256 = HexFormat.of().formatHex(this.digest.digest());
			return this;
		}

	}

}
