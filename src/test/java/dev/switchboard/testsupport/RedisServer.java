package dev.switchboard.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} process for the shared-state tests, on a free loopback port, with no persistence (it
 * runs in a temporary directory of its own). {@code .ci/run} installs Debian's package; a machine without the binary
 * fails the test rather than skipping it. Stop and start again to simulate an outage: the port stays the same.
 */
public final class RedisServer implements AutoCloseable {

	private final int port;

	private final Path dir;

	private Process process;

	private RedisServer(int port, Path dir) {
		this.port = port;
		this.dir = dir;
	}

	/** Starts a server on a free port and waits until it answers {@code PING}. */
	public static RedisServer start() {
		try {
			RedisServer server = new RedisServer(freePort(), Files.createTempDirectory("switchboard-redis"));
			server.startProcess();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException("could not start redis-server", ex);
		}
	}

	public int port() {
		return this.port;
	}

	/** {@code redis://127.0.0.1:port}, as {@code switchboard.state.redis.url} takes it. */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/** Whether the process is running. */
	public synchronized boolean running() {
		return this.process != null && this.process.isAlive();
	}

	/** Stops the process (an outage); {@link #restart()} brings it back on the same port, empty. */
	public synchronized void stop() {
		if (this.process != null) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.process = null;
		}
	}

	/** Starts the process again on the same port after {@link #stop()}. */
	public synchronized void restart() {
		if (!running()) {
			try {
				startProcess();
			}
			catch (IOException ex) {
				throw new IllegalStateException("could not restart redis-server", ex);
			}
		}
	}

	/** Sends one command in the inline protocol and returns the first line of the reply (for test assertions). */
	public String command(String... words) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 1000);
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write((String.join(" ", words) + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = in.read()) != -1 && c != '\n') {
				if (c != '\r') {
					line.append((char) c);
				}
			}
			return line.toString();
		}
		catch (IOException ex) {
			throw new IllegalStateException("redis command failed: " + words[0], ex);
		}
	}

	@Override
	public void close() {
		stop();
	}

	private synchronized void startProcess() throws IOException {
		List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir.toString(), "--daemonize", "no",
				"--loglevel", "warning"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("redis.log").toFile());
		this.process = builder.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IOException("redis-server exited: " + Files.readString(this.dir.resolve("redis.log")));
			}
			try {
				if ("+PONG".equals(command("PING"))) {
					return;
				}
			}
			catch (IllegalStateException notYet) {
				// not listening yet
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted while starting redis-server");
			}
		}
		throw new IOException("redis-server did not answer PING within 10 s");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
