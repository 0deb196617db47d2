package dev.switchboard.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;

import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.routing.UserRoutes;

/**
 * Hot reload of the {@code switchboard} section: reads the configuration files again, binds and checks the whole
 * section, and swaps the new {@link RuntimeConfig} in atomically. Requests in flight keep the snapshot they started
 * with; new ones get the new one. A configuration with any problem is rejected whole: nothing of it applies, the
 * problems are logged in one message, {@code switchboard.config.reloads{outcome=failure}} counts it, and the
 * previous configuration keeps serving.
 * <p>
 * With {@code switchboard.reload.watch} (the default) the files the gateway started with are watched on a thread of
 * their own: change events wake it at once, and it also compares the files' contents every
 * {@code switchboard.reload.interval}, which catches what events miss, such as Kubernetes replacing the
 * {@code ..data} symbolic link of a mounted ConfigMap. A change is acted on once, so a rejected file is not retried
 * until it changes again. The {@code switchboard} section is reloaded, and with it the user's SCG routes
 * ({@code spring.cloud.gateway.server.webflux.routes}) from the same files: the snapshot is swapped first, then SCG's
 * routes are refreshed. Other settings (server, logging, resilience4j, the reload settings themselves) are read at
 * start-up only.
 * <p>
 * Reloads are serialised: the watcher and {@code POST /actuator/reload} never compile at the same time.
 */
public class ConfigReloader implements SmartLifecycle {

	/** A reload started by a change of the watched files. */
	public static final String TRIGGER_FILE = "file";

	/** A reload started through the actuator endpoint. */
	public static final String TRIGGER_ENDPOINT = "endpoint";

	private static final Log logger = LogFactory.getLog(ConfigReloader.class);

	/** After a change event, how long to let the writer finish before the files are read. */
	private static final Duration SETTLE = Duration.ofMillis(150);

	private final RuntimeConfigHolder holder;

	private final RuntimeConfigCompiler compiler;

	private final ConfigFiles files;

	private final GeneratedKey generatedKey;

	private final GatewayMetrics metrics;

	private final @Nullable UserRoutes userRoutes;

	private final boolean watch;

	private final Duration interval;

	/** What the watched files held when they were last acted on; guarded by {@code this}. */
	private Map<Path, byte @Nullable []> lastSeen = Map.of();

	private volatile @Nullable Thread watcher;

	private volatile boolean running;

	ConfigReloader(RuntimeConfigHolder holder, RuntimeConfigCompiler compiler, ConfigurableEnvironment environment,
			GeneratedKey generatedKey, GatewayMetrics metrics, SwitchboardProperties.Reload settings,
			@Nullable UserRoutes userRoutes) {
		this.holder = holder;
		this.userRoutes = userRoutes;
		this.compiler = compiler;
		this.files = new ConfigFiles(environment);
		this.generatedKey = generatedKey;
		this.metrics = metrics;
		this.watch = settings.isWatch();
		this.interval = (settings.getInterval().isNegative() || settings.getInterval().isZero()) ? Duration.ofSeconds(2)
				: settings.getInterval();
		this.lastSeen = ConfigFiles.snapshot(this.files.files());
		metrics.registerConfigReloads(List.of(TRIGGER_FILE, TRIGGER_ENDPOINT));
	}

	/** The configuration files on disk that are watched. */
	public List<Path> watchedFiles() {
		return this.files.files();
	}

	/**
	 * Reads the configuration files again and puts a valid {@code switchboard} section in force. Blocks while it reads
	 * files: never call it on an event loop.
	 * @param trigger {@link #TRIGGER_FILE} or {@link #TRIGGER_ENDPOINT}, the metric's tag
	 */
	public synchronized ReloadResult reload(String trigger) {
		this.lastSeen = ConfigFiles.snapshot(this.files.files());
		ReloadResult result;
		try {
			ConfigurableEnvironment environment = this.files.load();
			SwitchboardProperties properties = Binder.get(environment)
				.bindOrCreate(SwitchboardProperties.PREFIX, SwitchboardProperties.class);
			List<RouteDefinition> routes = (this.userRoutes != null) ? this.userRoutes.bind(environment) : null;
			RuntimeConfig next = this.compiler.compile(properties, environment, this.generatedKey.value(),
					this.holder.current());
			this.holder.replace(next);
			if (routes != null) {
				this.userRoutes.apply(routes);
			}
			result = new ReloadResult(true, List.of(), next.keys().size(), next.routes().providers().size(),
					next.routes().aliases().size());
			logger.info("Configuration reloaded (" + trigger + "): " + result.keys() + " gateway keys, "
					+ result.providers() + " providers, " + result.routes() + " routes now in force");
		}
		catch (InvalidConfigurationException ex) {
			result = rejected(trigger, ex.problems());
		}
		catch (BindException ex) {
			result = rejected(trigger, List.of(ex.getName() + ": " + firstLine(rootCause(ex))));
		}
		catch (RuntimeException ex) {
			result = rejected(trigger, List.of("the configuration files could not be read: " + describe(ex)));
		}
		this.metrics.configReload(trigger, result.success());
		return result;
	}

	private static ReloadResult rejected(String trigger, List<String> problems) {
		logger.error("Configuration reload (" + trigger + ") rejected, the previous configuration stays in force. "
				+ new InvalidConfigurationException(problems).getMessage());
		return new ReloadResult(false, problems, 0, 0, 0);
	}

	/**
	 * The message of a failure to read a file, without the excerpt of the file that YAML parse errors carry: the
	 * offending line could hold a key.
	 */
	private static String describe(Throwable failure) {
		Throwable root = rootCause(failure);
		String top = firstLine(failure);
		return (root == failure) ? top : top + ": " + firstLine(root);
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static String firstLine(Throwable failure) {
		String message = failure.getMessage();
		if (message == null) {
			return failure.getClass().getSimpleName();
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline).trim();
	}

	/** Reloads when the watched files hold something else than when they were last acted on. */
	private void reloadIfChanged() {
		synchronized (this) {
			if (!ConfigFiles.differ(this.lastSeen, ConfigFiles.snapshot(this.files.files()))) {
				return;
			}
		}
		reload(TRIGGER_FILE);
	}

	@Override
	public void start() {
		this.running = true;
		if (!this.watch || this.files.files().isEmpty()) {
			return;
		}
		Thread thread = new Thread(this::watchLoop, "switchboard-config-watch");
		thread.setDaemon(true);
		this.watcher = thread;
		thread.start();
		logger.info("Watching the configuration files for changes: " + this.files.files());
	}

	private void watchLoop() {
		WatchService events = null;
		Set<Path> registered = new HashSet<>();
		try {
			events = FileSystems.getDefault().newWatchService();
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.info("No file change events here, the configuration files are checked every " + this.interval);
		}
		try {
			while (this.running) {
				if (events != null) {
					register(events, registered);
					WatchKey key = events.poll(this.interval.toMillis(), TimeUnit.MILLISECONDS);
					if (key != null) {
						// the writer may still be writing: let it finish, then take every event that came meanwhile
						Thread.sleep(SETTLE.toMillis());
						for (; key != null; key = events.poll()) {
							key.pollEvents();
							key.reset();
						}
					}
				}
				else {
					Thread.sleep(this.interval.toMillis());
				}
				try {
					reloadIfChanged();
				}
				catch (RuntimeException ex) {
					logger.warn("Checking the configuration files for changes failed", ex);
				}
			}
		}
		catch (InterruptedException | ClosedWatchServiceException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (events != null) {
				try {
					events.close();
				}
				catch (IOException ex) {
					// closing at shutdown: nothing left to do
				}
			}
		}
	}

	/**
	 * Watches the directory of each file (a file's own events are lost when it is replaced, as Kubernetes does through
	 * a symbolic link). A directory that cannot be watched is left to the periodic check.
	 */
	private void register(WatchService events, Set<Path> registered) {
		for (Path file : this.files.files()) {
			Path directory = file.getParent();
			if (directory != null && registered.add(directory)) {
				try {
					directory.register(events, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
							StandardWatchEventKinds.ENTRY_DELETE);
				}
				catch (IOException | RuntimeException ex) {
					registered.remove(directory);
				}
			}
		}
	}

	@Override
	public void stop() {
		this.running = false;
		Thread thread = this.watcher;
		if (thread != null) {
			thread.interrupt();
			this.watcher = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
