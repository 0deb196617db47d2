package dev.switchboard.state;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The gateway's Lettuce client for {@code switchboard.state.store: redis}: a command connection with String values,
 * one with byte[] values, and a pub/sub connection, all non-blocking; with the web server's event loops, also a
 * String-valued connection on each loop for the commands every request makes ({@link #stringsAsync}). Every command goes through
 * {@link #strings(Function)} or {@link #bytes(Function)}, which turn a Redis that cannot answer into a
 * {@link StateUnavailableException} and keep {@link #availability()} current.
 * <p>
 * Redis need not be up when the gateway starts: the first connection is retried every second until it succeeds, and
 * after that Lettuce reconnects by itself (100 ms, doubling to 2 s). While disconnected, commands fail at once rather
 * than queue, so a request never waits on an outage longer than {@code switchboard.state.redis.timeout}. Pub/sub
 * subscriptions are renewed on every reconnect. A Redis that comes back after a restart is empty: what it held is
 * gone, and the capabilities that keep counters there put their local counts back ({@link StateAvailability}).
 */
public final class RedisState implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisState.class);

	private static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private final RedisClient client;

	private final ClientResources resources;

	/** One client per web server event loop, each opening its connection on that loop; none on Lettuce's threads. */
	private final List<RedisClient> loopClients = new ArrayList<>();

	/** The loop of each of {@link #loopClients}, in the same order. */
	private final EventLoop[] loops;

	private final RedisURI uri;

	private final StateAvailability availability;

	private final OnUnavailable onUnavailable;

	private final Map<String, CopyOnWriteArrayList<Consumer<String>>> subscriptions = new ConcurrentHashMap<>();

	private volatile @Nullable Connections connections;

	private volatile boolean closed;

	private record Connections(StatefulRedisConnection<String, String> strings,
			StatefulRedisConnection<String, byte[]> bytes, StatefulRedisPubSubConnection<String, String> pubSub,
			List<StatefulRedisConnection<String, String>> onLoops, EventLoop[] loops) {

		/**
		 * The connection on the calling thread's event loop, else the shared one. A command sent on its own loop's
		 * connection is written at once and answered on the same thread; on the shared connection a request on
		 * another loop hands its call to that connection's loop and gets the answer back the same way, each hand-over
		 * waiting for a core on a busy machine.
		 */
		StatefulRedisConnection<String, String> stringsHere() {
			EventExecutor here = ThreadExecutorMap.currentExecutor();
			if (here != null) {
				for (int i = 0; i < this.loops.length; i++) {
					if (this.loops[i] == here) {
						return this.onLoops.get(i);
					}
				}
			}
			return this.strings;
		}

		boolean allOpen() {
			for (StatefulRedisConnection<String, String> onLoop : this.onLoops) {
				if (!onLoop.isOpen()) {
					return false;
				}
			}
			return this.strings.isOpen() && this.bytes.isOpen() && this.pubSub.isOpen();
		}

		void close() {
			this.strings.closeAsync();
			this.bytes.closeAsync();
			this.pubSub.closeAsync();
			this.onLoops.forEach(StatefulConnection::closeAsync);
		}

	}

	/**
	 * Connects to {@code url}, waiting up to {@code timeout} for the first connection (the gateway starts anyway if
	 * it does not come, and keeps trying). Call from a thread that may block, as bean creation is.
	 */
	public RedisState(String url, Duration timeout, OnUnavailable onUnavailable) {
		this(url, timeout, onUnavailable, null);
	}

	/**
	 * As {@link #RedisState(String, Duration, OnUnavailable)}, the connections on {@code loops} (the web server's
	 * event loops, see {@link SharedEventLoops}) when Lettuce's transport can run there, else on Lettuce's own
	 * threads.
	 */
	public RedisState(String url, Duration timeout, OnUnavailable onUnavailable, @Nullable EventLoopGroup loops) {
		this.uri = RedisURI.create(url.trim());
		this.uri.setTimeout(timeout);
		this.onUnavailable = onUnavailable;
		this.availability = new StateAvailability(StoreKind.REDIS, false);
		ClientResources.Builder resources = ClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
			// Lettuce records every command's latency when LatencyUtils is on the class path (it is, through
			// Micrometer's) and nothing here reads it: 6% of its I/O thread's samples under load
			.commandLatencyRecorder(CommandLatencyRecorder.disabled());
		SharedEventLoops shared = SharedEventLoops.of(loops);
		if (shared != null) {
			resources.eventLoopGroupProvider(shared);
		}
		this.resources = resources.build();
		ClientOptions options = ClientOptions.builder()
			.autoReconnect(true)
			// fail fast while disconnected: a queued command would hold its request until Redis is back
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(timeout))
			.build();
		this.client = client(this.resources, options);
		List<SharedEventLoops> each = (shared != null) ? shared.each() : List.of();
		this.loops = new EventLoop[each.size()];
		for (int i = 0; i < each.size(); i++) {
			// the same timer, executor and options; the loop provider of one loop, which Lettuce's reconnects keep.
			// mutate() copies whether the timer and executor are the resources' own, so its copy would shut them
			// down under every other client: given again, they are marked shared and stay for the main resources
			ClientResources onLoop = this.resources.mutate()
				.eventLoopGroupProvider(each.get(i))
				.eventExecutorGroup(this.resources.eventExecutorGroup())
				.timer(this.resources.timer())
				.build();
			this.loopClients.add(client(onLoop, options));
			this.loops[i] = each.get(i).loop();
		}
		try {
			connect().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			// the retry loop started by connect() carries on; the gateway serves by on-unavailable meanwhile
			logger.warn("Redis state store not reachable at start-up; retrying every second ("
					+ ex.getClass().getSimpleName() + ")");
		}
	}

	/** What requests that need shared state get while Redis cannot be reached. */
	public OnUnavailable onUnavailable() {
		return this.onUnavailable;
	}

	public StateAvailability availability() {
		return this.availability;
	}

	/**
	 * Runs {@code call} on the String-valued reactive commands. An outage (not connected, connection lost, timeout)
	 * arrives as {@link StateUnavailableException}; an error Redis itself answered (a script's error, a wrong type)
	 * as Lettuce's {@link RedisCommandExecutionException}.
	 */
	public <T> Mono<T> strings(Function<RedisReactiveCommands<String, String>, Mono<T>> call) {
		return Mono.defer(() -> {
			Connections current = this.connections;
			if (current == null) {
				return Mono.error(notConnected());
			}
			return track(call.apply(current.strings().reactive()));
		});
	}

	/**
	 * As {@link #strings(Function)}, on Lettuce's asynchronous commands: a future per command rather than a
	 * reactive publisher, which costs less on paths every request takes (quota admissions). Called on an event loop
	 * of the web server, the command goes on that loop's own connection: commands sent one after another from
	 * different loops may reach Redis in either order, so one that must follow another waits for its answer.
	 */
	public <T> Mono<T> stringsAsync(Function<RedisAsyncCommands<String, String>, ? extends CompletionStage<T>> call) {
		return Mono.defer(() -> {
			Connections current = this.connections;
			if (current == null) {
				return Mono.error(notConnected());
			}
			return track(Mono.fromCompletionStage(call.apply(current.stringsHere().async())));
		});
	}

	/** How many connections run on the web server's own event loops, one per loop (none on Lettuce's threads). */
	public int loopConnections() {
		return this.loops.length;
	}

	/** The resources of the main client and then of each loop's client, which share its timer and executor. */
	List<ClientResources> clientResources() {
		List<ClientResources> all = new ArrayList<>();
		all.add(this.resources);
		this.loopClients.forEach(each -> all.add(each.getResources()));
		return all;
	}

	/** As {@link #strings(Function)}, for commands that answer many values (SCAN, MGET, HGETALL, ...). */
	public <T> Flux<T> stringsMany(Function<RedisReactiveCommands<String, String>, Flux<T>> call) {
		return Flux.defer(() -> {
			Connections current = this.connections;
			if (current == null) {
				return Flux.error(notConnected());
			}
			return call.apply(current.strings().reactive())
				.onErrorMap(this::unavailable)
				.doOnComplete(this::sawAnswer);
		});
	}

	/** As {@link #strings(Function)}, on the byte[]-valued commands (cached answers, binary records). */
	public <T> Mono<T> bytes(Function<RedisReactiveCommands<String, byte[]>, Mono<T>> call) {
		return Mono.defer(() -> {
			Connections current = this.connections;
			if (current == null) {
				return Mono.error(notConnected());
			}
			return track(call.apply(current.bytes().reactive()));
		});
	}

	/** Publishes {@code message} on {@code channel}; the number of subscribers (of every replica) that got it. */
	public Mono<Long> publish(String channel, String message) {
		return strings(commands -> commands.publish(channel, message));
	}

	/**
	 * Calls {@code listener} with every message published on {@code channel} from now on, by any replica, until the
	 * returned handle is closed. Messages published while this replica was disconnected are lost (pub/sub keeps
	 * none): a subscriber that must not miss a change re-reads its state when {@link #availability()} comes up. The
	 * listener runs on a Lettuce I/O thread and must not block.
	 */
	public AutoCloseable subscribe(String channel, Consumer<String> listener) {
		CopyOnWriteArrayList<Consumer<String>> listeners = this.subscriptions.computeIfAbsent(channel, c -> {
			Connections current = this.connections;
			if (current != null) {
				current.pubSub().async().subscribe(c);
			}
			return new CopyOnWriteArrayList<>();
		});
		listeners.add(listener);
		return () -> listeners.remove(listener);
	}

	/** A Lua script run by its SHA-1, loaded again when Redis does not know it (after a restart). */
	public RedisScript script(String lua) {
		return new RedisScript(this, lua);
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		Connections current = this.connections;
		this.connections = null;
		if (current != null) {
			current.close();
		}
		for (RedisClient loopClient : this.loopClients) {
			// its resources share the main ones' timer, executor and loops, which outlive it
			shutdown(loopClient);
			loopClient.getResources().shutdown(0, 2, TimeUnit.SECONDS);
		}
		shutdown(this.client);
		this.resources.shutdown(0, 2, TimeUnit.SECONDS);
	}

	/**
	 * Lettuce's own {@code shutdown} waits without a bound for its connections to close; a close that can no longer
	 * complete (its loop gone) must not hold the application's shutdown for ever.
	 */
	private static void shutdown(RedisClient client) {
		try {
			client.shutdownAsync(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (java.util.concurrent.ExecutionException | TimeoutException ex) {
			logger.warn("Redis client did not shut down cleanly (" + ex.getClass().getSimpleName() + ")");
		}
	}

	private <T> Mono<T> track(Mono<T> command) {
		return command.onErrorMap(this::unavailable).doOnSuccess(value -> sawAnswer());
	}

	private void sawAnswer() {
		if (!this.availability.up()) {
			Connections current = this.connections;
			if (current != null && current.allOpen()) {
				this.availability.markUp();
			}
		}
	}

	/** An error that means Redis could not answer becomes {@link StateUnavailableException}; Redis's own errors stay. */
	private Throwable unavailable(Throwable error) {
		if (error instanceof RedisCommandExecutionException || error instanceof StateUnavailableException) {
			return error;
		}
		if (error instanceof RedisException || error instanceof IOException || error instanceof TimeoutException) {
			this.availability.markDown(error.getClass().getSimpleName());
			return new StateUnavailableException("the Redis state store did not answer (" + error.getClass().getSimpleName() + ")");
		}
		return error;
	}

	private StateUnavailableException notConnected() {
		return new StateUnavailableException("the Redis state store is not connected");
	}

	private RedisClient client(ClientResources resources, ClientOptions options) {
		RedisClient created = RedisClient.create(resources);
		created.setOptions(options);
		created.addListener(new ConnectionEvents());
		return created;
	}

	/** Opens the connections; on failure, tries again in a second until it succeeds or the client closes. */
	private CompletableFuture<Connections> connect() {
		var strings = this.client.connectAsync(StringCodec.UTF8, this.uri).toCompletableFuture();
		var bytes = this.client.connectAsync(BYTES, this.uri).toCompletableFuture();
		var pubSub = this.client.connectPubSubAsync(StringCodec.UTF8, this.uri).toCompletableFuture();
		List<CompletableFuture<? extends StatefulConnection<String, ?>>> all = new ArrayList<>(
				List.of(strings, bytes, pubSub));
		List<CompletableFuture<StatefulRedisConnection<String, String>>> onLoops = new ArrayList<>();
		for (RedisClient loopClient : this.loopClients) {
			var onLoop = loopClient.connectAsync(StringCodec.UTF8, this.uri).toCompletableFuture();
			onLoops.add(onLoop);
			all.add(onLoop);
		}
		return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
			if (error != null || this.closed) {
				for (var future : all) {
					future.thenAccept(StatefulConnection::closeAsync);
				}
				if (!this.closed) {
					this.availability.markDown("not connected");
					this.resources.eventExecutorGroup().schedule(this::connect, 1, TimeUnit.SECONDS);
				}
				throw new StateUnavailableException("the Redis state store is not connected");
			}
			Connections connected = new Connections(strings.join(), bytes.join(), pubSub.join(),
					onLoops.stream().map(CompletableFuture::join).toList(), this.loops);
			connected.pubSub().addListener(new RedisPubSubAdapter<>() {
				@Override
				public void message(String channel, String message) {
					deliver(channel, message);
				}
			});
			if (!this.subscriptions.isEmpty()) {
				connected.pubSub().async().subscribe(this.subscriptions.keySet().toArray(String[]::new));
			}
			this.connections = connected;
			logger.info("Redis state store connected");
			this.availability.markUp();
			return connected;
		});
	}

	private void deliver(String channel, String message) {
		CopyOnWriteArrayList<Consumer<String>> listeners = this.subscriptions.get(channel);
		if (listeners != null) {
			for (Consumer<String> listener : listeners) {
				try {
					listener.accept(message);
				}
				catch (RuntimeException ex) {
					logger.error("A listener of Redis channel " + channel + " failed", ex);
				}
			}
		}
	}

	/** Lettuce's connection events: a dropped connection is an outage, all three open again its end. */
	private final class ConnectionEvents implements RedisConnectionStateListener {

		@Override
		public void onRedisConnected(RedisChannelHandler<?, ?> connection, java.net.SocketAddress address) {
			Connections current = RedisState.this.connections;
			if (current != null && current.allOpen()) {
				RedisState.this.availability.markUp();
			}
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			if (!RedisState.this.closed && RedisState.this.connections != null) {
				RedisState.this.availability.markDown("connection lost");
			}
		}

	}

}
