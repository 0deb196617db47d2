package dev.switchboard.state;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.jspecify.annotations.Nullable;

/**
 * Lettuce's connections on the web server's event loops instead of threads of its own. Every request that checks a
 * limit in Redis made three threads take turns: its event loop, Lettuce's I/O thread (woken to write the call and
 * again to read the answer) and the event loop again. On a busy machine each hand-over waits for a core: with two
 * cores, a paced 2,000 requests a second through the Redis store added 2 ms at p99 and 0.1 ms of CPU per request.
 * Here the connection lives on one of the server's loops: a call made there is written at once, and its answer is
 * read by a thread that is awake anyway under load. Lettuce never blocks its I/O threads, and neither do the
 * callbacks the gateway runs on them.
 * <p>
 * The loops belong to the web server: Lettuce's shutdown leaves them running.
 */
final class SharedEventLoops implements EventLoopGroupProvider {

	private final EventLoopGroup loops;

	private SharedEventLoops(EventLoopGroup loops) {
		this.loops = loops;
	}

	/**
	 * A provider of {@code loops}, or {@code null} when Lettuce's transport cannot run on them (Lettuce picks epoll or
	 * NIO by itself; the server's loops must be of the same kind).
	 */
	static @Nullable SharedEventLoops of(@Nullable EventLoopGroup loops) {
		if (!(loops instanceof IoEventLoopGroup group)) {
			return null;
		}
		Class<?> channel = Transports.socketChannelClass();
		Class<? extends IoHandler> handler = (channel == NioSocketChannel.class) ? NioIoHandler.class
				: (channel.getName().equals("io.netty.channel.epoll.EpollSocketChannel")) ? epollHandler() : null;
		return (handler != null && group.isIoType(handler)) ? new SharedEventLoops(loops) : null;
	}

	/** Netty's epoll classes are there at run time when Lettuce chose epoll (it checks); not to compile against. */
	private static @Nullable Class<? extends IoHandler> epollHandler() {
		try {
			return Class.forName("io.netty.channel.epoll.EpollIoHandler", false, SharedEventLoops.class.getClassLoader())
				.asSubclass(IoHandler.class);
		}
		catch (ClassNotFoundException ex) {
			return null;
		}
	}

	/**
	 * One provider per loop, each giving only that loop (an event loop is a group of one): a client made with one has
	 * every connection it opens, and reopens after a drop, on that loop.
	 */
	List<SharedEventLoops> each() {
		List<SharedEventLoops> each = new ArrayList<>();
		for (var loop : this.loops) {
			each.add(new SharedEventLoops((EventLoop) loop));
		}
		return each;
	}

	/** The loop of a provider from {@link #each()}. */
	EventLoop loop() {
		return this.loops.next();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends EventLoopGroup> T allocate(Class<T> type) {
		// Lettuce asks by the class of the group it would make; it only uses what EventLoopGroup offers
		return (T) this.loops;
	}

	@Override
	public int threadPoolSize() {
		int count = 0;
		for (Object loop : this.loops) {
			count++;
		}
		return count;
	}

	@Override
	public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
		return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
	}

	@Override
	public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
		return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
	}

}
