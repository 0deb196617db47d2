package bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * A bare Reactor Netty reverse proxy: forwards the request to {@code MOCK_URL} and streams the answer back, with
 * pooled keep-alive upstream connections. No Spring, no features: what one JVM hop costs at the least.
 */
public final class RawNettyProxy {

	public static void main(String[] args) {
		String upstream = System.getenv().getOrDefault("MOCK_URL", "http://127.0.0.1:18001");
		int port = Integer.parseInt(System.getProperty("port", "18090"));
		HttpClient client = HttpClient.create(ConnectionProvider.builder("upstream").maxConnections(1000).build());
		HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.handle((request, response) -> client
				.headers(headers -> headers.add(request.requestHeaders()).remove(HttpHeaderNames.HOST))
				.request(request.method())
				.uri(upstream + request.uri())
				.send(request.receive().retain())
				.response((upstreamResponse, body) -> response.status(upstreamResponse.status())
					.headers(upstreamResponse.responseHeaders())
					.send(body.retain())))
			.bindNow()
			.onDispose()
			.block();
	}

}
