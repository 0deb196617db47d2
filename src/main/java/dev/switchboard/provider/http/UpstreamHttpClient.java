package dev.switchboard.provider.http;

import java.net.URI;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.switchboard.provider.UpstreamResponse;

/**
 * The one Reactor Netty client every HTTP provider shares: pooled keep-alive connections, no automatic retry.
 * <p>
 * Reactor Netty retries a request once on its own when a pooled connection turns out to be closed. That would be an
 * upstream request {@code x-switchboard-attempts} does not count, so it is turned off: the gateway's fallback decides
 * what happens after a failure.
 */
public class UpstreamHttpClient {

	/**
	 * How long a connection may sit idle in the pool. Upstreams close idle keep-alive connections on their own
	 * timers, and a request sent on one as it closes fails. The shortest common default is 5 s (Node's
	 * {@code server.keepAliveTimeout}, uvicorn's {@code --timeout-keep-alive}); 4 s leaves a second for timers and
	 * the network to disagree (gunicorn's 2 s is shorter still). The pool checks the idle time again when it hands a
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

	private final HttpClient client;

	private final ConnectionProvider connections;

	private UpstreamHttpClient(HttpClient client, ConnectionProvider connections) {
		this.client = client;
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
		this.client = HttpClient.create(this.connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.disableRetry(true)
			.keepAlive(true);
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
		return new UpstreamHttpClient(
				this.client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis()),
				this.connections);
	}

	/**
	 * POSTs {@code body} to {@code uri}. Emits when the response headers arrive; cancelling (the caller's timeout
	 * does) closes the connection, so a hung upstream is not left holding a pooled socket.
	 * <p>
	 * Takes a {@link URI}, built once per provider, not a string: Reactor Netty's string parser takes only 2 to 5
	 * digit ports (it reads {@code http://host:9/v1} as host {@code host:9} on port 80), and parsing per request
	 * costs.
	 */
	public Mono<UpstreamResponse> post(URI uri, HttpHeaders headers, ByteBuf body) {
		return this.client.post()
			.uri(uri)
			.send((request, outbound) -> {
				request.headers(headers);
				request.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.readableBytes()));
				return outbound.send(Mono.just(body));
			})
			.responseConnection((response, connection) -> Mono
				.<UpstreamResponse>just(new NettyUpstreamResponse(response, connection)))
			.next();
	}

	/** Closes pooled connections; called when the application stops. */
	public void dispose() {
		this.connections.dispose();
	}

}
