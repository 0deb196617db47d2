package dev.switchboard.provider.http;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;

import dev.switchboard.provider.UpstreamResponse;

/**
 * The one Reactor Netty client every HTTP provider shares: pooled keep-alive connections, no automatic retry.
 * <p>
 * Reactor Netty retries a request once on its own when a pooled connection turns out to be closed. That would be an
 * upstream request {@code x-switchboard-attempts} does not count, so it is turned off: the gateway's fallback decides
 * what happens after a failure. What this client does instead is say when a failure is that case, a reused
 * connection that closed before any byte of the answer ({@link StaleConnectionException}), and send a request on a
 * connection of its own when asked to ({@link #onNewConnection(Context)}), so that the caller can resend it as an
 * attempt it counts.
 */
public class UpstreamHttpClient {

	/**
	 * How long a connection may sit idle in the pool. Upstreams close idle keep-alive connections on their own
	 * timers, and a request sent on one as it closes fails. The shortest common default is 5 s (Node's
	 * {@code server.keepAliveTimeout}, uvicorn's {@code --timeout-keep-alive}); 4 s leaves a second for timers and
	 * the network to disagree (gunicorn's 2 s is the resend after a {@link StaleConnectionException} covers what is left). The pool checks the idle time again when it hands a
	 * connection out, so none idle longer than this is reused.
	 */
	static final Duration MAX_IDLE_TIME = Duration.ofSeconds(4);

	/**
	 * How often idle connections past {@link #MAX_IDLE_TIME} are closed in the background, so that the gateway and
	 * not the upstream closes them, between 4 and 5 s idle. A scan of the idle connections each second is cheap.
	 */
	static final Duration EVICTION_INTERVAL = Duration.ofSeconds(1);

	/**
	 * The longest a connection is kept at all, idle or not (one in use is closed only once released). It bounds how
	 * long the gateway keeps talking to an address the upstream's DNS no longer gives out, and it closes connections
	 * before the connection-age limits of load balancers and proxies (Envoy, Istio and cloud gateways default to
	 * minutes or more); a new TLS handshake per connection every 5 minutes costs nothing measurable.
	 */
	static final Duration MAX_LIFE_TIME = Duration.ofMinutes(5);

	/** The name of the {@link ReadWatch} in each upstream connection's pipeline. */
	private static final String READ_WATCH = "switchboard.readWatch";

	/** The context key that makes {@link #post} use a connection of its own, see {@link #onNewConnection}. */
	private static final String NEW_CONNECTION = UpstreamHttpClient.class.getName() + ".newConnection";

	private final HttpClient client;

	/** The same client without the pool: each request on a new connection, closed after its response. */
	private final HttpClient unpooled;

	private final ConnectionProvider connections;

	private UpstreamHttpClient(HttpClient client, HttpClient unpooled, ConnectionProvider connections) {
		this.client = client;
		this.unpooled = unpooled;
		this.connections = connections;
	}

	public UpstreamHttpClient(Duration connectTimeout, int maxConnections) {
		this.connections = ConnectionProvider.builder("switchboard-upstream")
			.maxConnections(maxConnections)
			.pendingAcquireMaxCount(-1)
			.maxIdleTime(MAX_IDLE_TIME)
			.maxLifeTime(MAX_LIFE_TIME)
			.evictInBackground(EVICTION_INTERVAL)
			.metrics(true)
			.build();
		this.client = configure(HttpClient.create(this.connections), connectTimeout);
		this.unpooled = configure(HttpClient.newConnection(), connectTimeout);
	}

	private static HttpClient configure(HttpClient client, Duration connectTimeout) {
		return client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.disableRetry(true)
			.keepAlive(true)
			.doOnChannelInit((observer, channel, remoteAddress) -> addReadWatch(channel.pipeline()));
	}

	/**
	 * Puts the {@link ReadWatch} right before the HTTP codec: after TLS, so that a TLS close alert is not taken for
	 * a byte of the answer, and before the codec, which holds a partial status line back.
	 */
	private static void addReadWatch(ChannelPipeline pipeline) {
		if (pipeline.get(NettyPipeline.HttpCodec) != null) {
			pipeline.addBefore(NettyPipeline.HttpCodec, READ_WATCH, new ReadWatch());
		}
		else {
			pipeline.addLast(READ_WATCH, new ReadWatch());
		}
	}

	/**
	 * Loads the event loops and the DNS resolver now, at start-up on the main thread. The resolver reads
	 * /etc/resolv.conf and /etc/hosts when it is first used; left to the first request, that file I/O would run on
	 * an event loop.
	 */
	public void warmUp() {
		this.client.warmup().block(Duration.ofSeconds(30));
	}

	/** The same client and connection pool, with another connect timeout (one per provider, made at start-up). */
	public UpstreamHttpClient withConnectTimeout(Duration connectTimeout) {
		Function<HttpClient, HttpClient> timeout = client -> client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
				(int) connectTimeout.toMillis());
		return new UpstreamHttpClient(timeout.apply(this.client), timeout.apply(this.unpooled), this.connections);
	}

	/**
	 * {@code context} with the entry that makes {@link #post} send its request on a new connection rather than a
	 * pooled one: for the resend after a {@link StaleConnectionException}, where the pool's other idle connections
	 * to the same upstream may be just as stale. That connection is closed after its response.
	 */
	public static Context onNewConnection(Context context) {
		return context.put(NEW_CONNECTION, Boolean.TRUE);
	}

	/**
	 * POSTs {@code body} to {@code uri}. Emits when the response headers arrive; cancelling (the caller's timeout
	 * does) closes the connection, so a hung upstream is not left holding a pooled socket. Fails with a
	 * {@link StaleConnectionException} when the connection had served earlier requests and closed before any byte of
	 * the response.
	 * <p>
	 * Takes a {@link URI}, built once per provider, not a string: Reactor Netty's string parser takes only 2 to 5
	 * digit ports (it reads {@code http://host:9/v1} as host {@code host:9} on port 80), and parsing per request
	 * costs.
	 */
	public Mono<UpstreamResponse> post(URI uri, HttpHeaders headers, ByteBuf body) {
		return Mono.deferContextual(context -> {
			HttpClient client = context.hasKey(NEW_CONNECTION) ? this.unpooled : this.client;
			Sent sent = new Sent();
			return client.post()
				.uri(uri)
				.send((request, outbound) -> {
					request.headers(headers);
					request.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.readableBytes()));
					return outbound.withConnection(sent::on).send(Mono.just(body));
				})
				.responseConnection((response, connection) -> Mono
					.<UpstreamResponse>just(new NettyUpstreamResponse(response, connection)))
				.next()
				.onErrorMap(sent::stale, StaleConnectionException::new);
		});
	}

	/** Closes pooled connections; called when the application stops. */
	public void dispose() {
		this.connections.dispose();
	}

	/**
	 * What one request knows about the connection it went out on. Written when the request is sent and read when it
	 * fails, both on the connection's event loop.
	 */
	private static final class Sent {

		private @Nullable ReadWatch watch;

		private boolean reused;

		void on(Connection connection) {
			ReadWatch watch = (ReadWatch) connection.channel().pipeline().get(READ_WATCH);
			if (watch != null) {
				this.reused = watch.requests++ > 0;
				watch.read = false;
				this.watch = watch;
			}
		}

		/**
		 * Whether {@code failure}, before the response headers, is the connection closing under a request it never
		 * answered: closed or reset, on a connection that had served earlier requests, with not one byte read since
		 * this request was sent.
		 */
		boolean stale(Throwable failure) {
			ReadWatch watch = this.watch;
			return this.reused && watch != null && !watch.read
					&& (failure instanceof PrematureCloseException || AbortedException.isConnectionReset(failure));
		}

	}

	/**
	 * Counts the requests sent on its connection and notes whether any byte arrived since the latest: one per
	 * connection, touched only on its event loop.
	 */
	private static final class ReadWatch extends ChannelInboundHandlerAdapter {

		private int requests;

		private boolean read;

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) {
			if (message instanceof ByteBuf bytes && bytes.isReadable()) {
				this.read = true;
			}
			context.fireChannelRead(message);
		}

	}

}
