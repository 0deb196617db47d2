package dev.switchboard.state;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.channel.EventLoopGroup;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * The gateway's state store as configured by {@code switchboard.state.*}: the one bean other capabilities take. It
 * tells which store is in force, whether it can be reached ({@link #availability()}), and hands out the Redis client
 * ({@link #redis()}, only with {@code store: redis}) and the local directory ({@link #local()}, always there: a
 * capability may keep a local copy beside Redis too).
 */
public final class StateStore implements AutoCloseable, SmartLifecycle {

	/**
	 * The lifecycle phase in which the Redis connections close: after the web server (its graceful shutdown is
	 * stopped first), before Reactor Netty's event loops, which the connections run on (ReactorResourceFactory,
	 * phase 0).
	 */
	public static final int PHASE = 1;

	private volatile boolean running;

	private final List<Runnable> beforeRedisCloses = new CopyOnWriteArrayList<>();

	private final StoreKind kind;

	private final @Nullable RedisState redis;

	private final LocalDirectory local;

	private final StateAvailability availability;

	private final OnUnavailable onUnavailable;

	private StateStore(StoreKind kind, @Nullable RedisState redis, LocalDirectory local, OnUnavailable onUnavailable) {
		this.kind = kind;
		this.redis = redis;
		this.local = local;
		this.onUnavailable = onUnavailable;
		this.availability = (redis != null) ? redis.availability() : StateAvailability.local();
	}

	/**
	 * Opens the store {@code properties} describe (already checked). With {@code redis} it connects, waiting up to the
	 * command timeout for a first connection: call it where blocking is fine, as at bean creation.
	 */
	public static StateStore open(StateProperties properties) {
		return open(properties, null);
	}

	/** As {@link #open(StateProperties)}, Redis's connections on {@code loops} (the web server's) when they can be. */
	public static StateStore open(StateProperties properties, @Nullable EventLoopGroup loops) {
		StoreKind kind = (properties.storeKind() != null) ? properties.storeKind() : StoreKind.LOCAL;
		OnUnavailable policy = properties.getRedis().onUnavailablePolicy();
		LocalDirectory local = new LocalDirectory(Path.of(properties.getDir()));
		RedisState redis = (kind == StoreKind.REDIS)
				? new RedisState(properties.getRedis().getUrl(), properties.getRedis().getTimeout(), policy, loops)
				: null;
		return new StateStore(kind, redis, local, policy);
	}

	public StoreKind kind() {
		return this.kind;
	}

	/** The Redis client, or {@code null} with {@code store: local}. */
	public @Nullable RedisState redis() {
		return this.redis;
	}

	/** The directory under {@code switchboard.state.dir}. */
	public LocalDirectory local() {
		return this.local;
	}

	/** Up and down of the store; the local store is always up. */
	public StateAvailability availability() {
		return this.availability;
	}

	/** {@code switchboard.state.redis.on-unavailable}: what a request gets while the Redis store is down. */
	public OnUnavailable onUnavailable() {
		return this.onUnavailable;
	}

	@Override
	public void close() {
		if (this.redis != null) {
			this.redis.close();
		}
		this.local.close();
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Runs {@code hook} at shutdown just before the Redis connections close, on the thread that stops the
	 * application (it may block): for a capability that still has something to send.
	 */
	public void beforeRedisCloses(Runnable hook) {
		this.beforeRedisCloses.add(hook);
	}

	/** Closes the Redis connections while the loops they run on are still there; the local directory stays open. */
	@Override
	public void stop() {
		this.running = false;
		if (this.redis != null) {
			this.beforeRedisCloses.forEach(Runnable::run);
			this.redis.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
