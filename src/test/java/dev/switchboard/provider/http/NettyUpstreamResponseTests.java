package dev.switchboard.provider.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NettyUpstreamResponse} against a real Reactor Netty connection whose allocator records every buffer it hands
 * out, so a buffer the response fails to release shows as a reference count above zero, without waiting for Netty's
 * GC-based leak detector.
 */
class NettyUpstreamResponseTests {

	private static final String ERROR_BODY = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}";

	private final RecordingAllocator allocator = new RecordingAllocator();

	private DisposableServer server;

	private HttpClient client;

	@BeforeEach
	void upstreamAnswering503() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> response.status(503)
				.header("content-type", "application/json")
				.sendString(Mono.just(ERROR_BODY)))
			.bindNow();
		this.client = HttpClient.create(ConnectionProvider.newConnection())
			.option(ChannelOption.ALLOCATOR, this.allocator)
			.baseUrl("http://127.0.0.1:" + this.server.port());
	}

	@AfterEach
	void stopUpstream() {
		this.server.disposeNow();
	}

	@Test
	void discardReleasesTheBodyThatArrivedWithTheHeaders() throws InterruptedException {
		NettyUpstreamResponse response = this.client.post()
			.uri("/v1/chat/completions")
			.send((request, outbound) -> outbound.sendString(Mono.just("{}")))
			.responseConnection((head, connection) -> Mono.just(new NettyUpstreamResponse(head, connection)))
			.next()
			// the 503's short body is read with its headers; give it time to be queued before the discard
			.delayElement(Duration.ofMillis(200))
			.block(Duration.ofSeconds(5));

		assertThat(response.status()).isEqualTo(503);
		response.discard();

		assertThat(this.allocator.buffers).as("the client read the response into the recording allocator's buffers")
			.isNotEmpty();
		assertThat(awaitAllReleased(Duration.ofSeconds(5)))
			.as("every buffer the connection read is released once the response is discarded unread")
			.isTrue();
	}

	@Test
	void readingTheBodyToItsEndReleasesEveryBuffer() throws InterruptedException {
		String body = this.client.post()
			.uri("/v1/chat/completions")
			.send((request, outbound) -> outbound.sendString(Mono.just("{}")))
			.responseConnection((head, connection) -> new NettyUpstreamResponse(head, connection).body()
				.map(buffer -> {
					String text = buffer.toString(StandardCharsets.UTF_8);
					buffer.release();
					return text;
				})
				.reduce(String::concat))
			.next()
			.block(Duration.ofSeconds(5));

		assertThat(body).isEqualTo(ERROR_BODY);
		assertThat(awaitAllReleased(Duration.ofSeconds(5))).as("the subscriber released what body() retained for it")
			.isTrue();
	}

	private boolean awaitAllReleased(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (this.allocator.buffers.stream().allMatch(buffer -> buffer.refCnt() == 0)) {
				return true;
			}
			Thread.sleep(20);
		}
		return false;
	}

	/** Unpooled, so that a released buffer stays at reference count zero and is never handed out again. */
	private static final class RecordingAllocator extends AbstractByteBufAllocator {

		final List<ByteBuf> buffers = new CopyOnWriteArrayList<>();

		RecordingAllocator() {
			super(true);
		}

		@Override
		protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
			return record(Unpooled.buffer(initialCapacity, maxCapacity));
		}

		@Override
		protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
			return record(Unpooled.directBuffer(initialCapacity, maxCapacity));
		}

		@Override
		public boolean isDirectBufferPooled() {
			return false;
		}

		private ByteBuf record(ByteBuf buffer) {
			this.buffers.add(buffer);
			return buffer;
		}

	}

}
