package dev.switchboard.testsupport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * An upstream provider whose behaviour each test scripts in code, for what WireMock cannot do: stream events on a
 * schedule, stop mid-event, and tell when the gateway closed the connection. Lives as long as the JVM.
 */
public final class ScriptedUpstream {

	private final AtomicReference<BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>>> handler = new AtomicReference<>();

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger closedConnections = new AtomicInteger();

	private volatile CountDownLatch closed = new CountDownLatch(1);

	private final DisposableServer server;

	public ScriptedUpstream() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection(connection -> connection.onDispose(() -> {
				this.closedConnections.incrementAndGet();
				this.closed.countDown();
			}))
			.handle((request, response) -> {
				this.requests.incrementAndGet();
				BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> current = this.handler.get();
				return (current != null) ? current.apply(request, response) : response.status(500).send();
			})
			.bindNow();
		Runtime.getRuntime().addShutdownHook(new Thread(this.server::disposeNow));
	}

	/** Base URL as an OpenAI-type provider takes it (ending in {@code /v1}). */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/v1";
	}

	/** Answers every request with {@code handler} from now on, and forgets earlier requests and closures. */
	public void respond(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
		this.handler.set(handler);
		this.requests.set(0);
		this.closedConnections.set(0);
		this.closed = new CountDownLatch(1);
	}

	/** Answers with a 500 until told otherwise. */
	public void reset() {
		respond((request, response) -> response.status(500).send(Mono.empty()));
	}

	public int requestCount() {
		return this.requests.get();
	}

	public int closedConnectionCount() {
		return this.closedConnections.get();
	}

	/** Counts down when a connection closes after the last {@link #respond}. */
	public CountDownLatch connectionClosed() {
		return this.closed;
	}

}
