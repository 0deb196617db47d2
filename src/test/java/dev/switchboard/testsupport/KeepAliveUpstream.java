package dev.switchboard.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 upstream on a raw socket that keeps connections alive and answers the first request of each connection
 * with a chat completion, and every later one as {@link #onReuse} says: as a stale keep-alive connection does (closed
 * or reset under the request), or by failing once the answer has started. What a real server does only at the
 * instant its idle timeout fires, this one does every time. One thread per connection; loopback only.
 */
public final class KeepAliveUpstream implements AutoCloseable {

	/** What the upstream does with a request on a connection that has answered before. */
	public enum Reuse {

		/** Answers, as the first request. */
		ANSWER,

		/** Reads the request and closes the connection without a byte of answer. */
		CLOSE,

		/** Reads the request and resets the connection (RST) without a byte of answer. */
		RESET,

		/** Sends part of the status line, then closes: bytes of the answer arrived, no headers. */
		PARTIAL_STATUS,

		/** Sends the status and headers and part of the body, then closes. */
		HEADERS_THEN_CLOSE

	}

	private final ServerSocket server;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger connections = new AtomicInteger();

	private volatile Reuse onReuse = Reuse.ANSWER;

	public KeepAliveUpstream() {
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		Thread acceptor = new Thread(this::accept, "keep-alive-upstream");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** Base URL as an OpenAI-type provider takes it (ending in {@code /v1}). */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getLocalPort() + "/v1";
	}

	/**
	 * Does {@code reuse} from now on, with every connection open so far closed and the counts at zero: the next
	 * request starts a new connection.
	 */
	public void onReuse(Reuse reuse) {
		this.onReuse = reuse;
		for (Socket socket : this.open) {
			closeQuietly(socket);
		}
		this.requests.set(0);
		this.connections.set(0);
	}

	/** Requests read whole since the last {@link #onReuse}. */
	public int requests() {
		return this.requests.get();
	}

	/** Connections accepted since the last {@link #onReuse}. */
	public int connections() {
		return this.connections.get();
	}

	@Override
	public void close() {
		closeQuietly(this.server);
		for (Socket socket : this.open) {
			closeQuietly(socket);
		}
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.connections.incrementAndGet();
				this.open.add(socket);
				Thread connection = new Thread(() -> serve(socket), "keep-alive-upstream-connection");
				connection.setDaemon(true);
				connection.start();
			}
			catch (IOException ex) {
				// the server socket was closed
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			for (int served = 0;; served++) {
				if (!readRequest(in)) {
					return;
				}
				this.requests.incrementAndGet();
				Reuse action = (served == 0) ? Reuse.ANSWER : this.onReuse;
				switch (action) {
					case ANSWER -> answer(out);
					case CLOSE -> {
						return;
					}
					case RESET -> {
						socket.setSoLinger(true, 0);
						return;
					}
					case PARTIAL_STATUS -> {
						out.write("HTTP/1.1 20".getBytes(StandardCharsets.US_ASCII));
						out.flush();
						return;
					}
					case HEADERS_THEN_CLOSE -> {
						out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
								+ "{\"id\":\"chatcmpl-cut").getBytes(StandardCharsets.US_ASCII));
						out.flush();
						return;
					}
				}
			}
		}
		catch (IOException ex) {
			// the gateway closed the connection, or the test did
		}
		finally {
			this.open.remove(socket);
		}
	}

	private static void answer(OutputStream out) throws IOException {
		byte[] body = OpenAiFixtures.completion("k-1", "from keep-alive").getBytes(StandardCharsets.UTF_8);
		out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.write(body);
		out.flush();
	}

	/** Reads one request, head and {@code Content-Length} body: false at the end of the connection. */
	private static boolean readRequest(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				return false;
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		int length = 0;
		for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				length = Integer.parseInt(line.substring(15).trim());
			}
		}
		return in.readNBytes(length).length == length;
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// already closed
		}
	}

}
