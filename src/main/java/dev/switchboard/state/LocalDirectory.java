package dev.switchboard.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Files of the local store under {@code switchboard.state.dir}: each written whole and atomically (a temporary file in
 * the same directory, forced to disk, then moved over the old one), so a crash leaves the old version or the new one,
 * never half of either.
 * <p>
 * Every read and write runs on one thread of its own, never on an event loop, and in the order asked: two writes
 * of a file land in the order they were made, so the last one asked is the one on disk. Names are plain file names
 * (letters, digits, {@code . _ -}), not paths.
 */
public final class LocalDirectory implements AutoCloseable {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final Path dir;

	/** One plain daemon thread (not a Reactor one, which BlockHound and Reactor treat as non-blocking). */
	private final Scheduler io = Schedulers.fromExecutorService(java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
		Thread thread = new Thread(task, "switchboard-state-files");
		thread.setDaemon(true);
		return thread;
	}), "switchboard-state-files");

	public LocalDirectory(Path dir) {
		this.dir = dir;
	}

	public Path dir() {
		return this.dir;
	}

	/** Writes {@code content} as file {@code name}, replacing it atomically; completes once it is on disk. */
	public Mono<Void> write(String name, byte[] content) {
		Path target = file(name);
		return Mono.<Void>fromRunnable(() -> writeNow(target, content)).subscribeOn(this.io);
	}

	/** The content of file {@code name}, or empty when there is none. */
	public Mono<byte[]> read(String name) {
		Path target = file(name);
		return Mono.fromCallable(() -> readNow(target).orElse(null)).subscribeOn(this.io);
	}

	/**
	 * The content of file {@code name} now, on the calling thread: for start-up, before any request is served, where
	 * waiting is fine. Never call it on the request path.
	 */
	public Optional<byte[]> readAtStartup(String name) {
		return readNow(file(name));
	}

	@Override
	public void close() {
		this.io.dispose();
	}

	private Path file(String name) {
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("not a plain file name: " + name);
		}
		return this.dir.resolve(name);
	}

	private static Optional<byte[]> readNow(Path file) {
		try {
			return Optional.of(Files.readAllBytes(file));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not read " + file, ex);
		}
	}

	private void writeNow(Path target, byte[] content) {
		try {
			Files.createDirectories(this.dir);
			Path temp = Files.createTempFile(this.dir, "." + target.getFileName(), ".tmp");
			try {
				try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE,
						java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
					java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
					while (buffer.hasRemaining()) {
						channel.write(buffer);
					}
					channel.force(true);
				}
				try {
					Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				}
				catch (AtomicMoveNotSupportedException ex) {
					Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
				}
			}
			finally {
				Files.deleteIfExists(temp);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not write " + target, ex);
		}
	}

}
