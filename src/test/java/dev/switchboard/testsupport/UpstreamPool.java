package dev.switchboard.testsupport;

import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;

import static org.assertj.core.api.Assertions.assertThat;

/** What Reactor Netty's pool metrics say about the gateway's upstream connections. */
public final class UpstreamPool {

	private UpstreamPool() {
	}

	/** Waits up to 5 s for the pool to hold no connection to {@code baseUrl}'s host and port as in use. */
	public static void assertNoConnectionInUse(String baseUrl) throws InterruptedException {
		String address = baseUrl.replaceAll("^http://([^/]+).*$", "$1");
		Gauge active = Metrics.globalRegistry.find("reactor.netty.connection.provider.active.connections")
			.tag("name", "switchboard-upstream")
			.tag("remote.address", address)
			.gauge();
		assertThat(active).as("Reactor Netty's pool metrics for the upstream client").isNotNull();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (active.value() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(active.value()).as("upstream connections to " + address + " still acquired from the pool").isZero();
	}


	/** Waits up to 5 s for the pool to hold no upstream connection at all as in use. */
	public static void assertNoConnectionInUse() throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		double active = activeConnections();
		while (active > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
			active = activeConnections();
		}
		assertThat(active).as("upstream connections still acquired from the pool after the test").isZero();
	}

	private static double activeConnections() {
		return Metrics.globalRegistry.find("reactor.netty.connection.provider.active.connections")
			.tag("name", "switchboard-upstream")
			.gauges()
			.stream()
			.mapToDouble(Gauge::value)
			.sum();
	}

}
