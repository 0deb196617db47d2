package dev.switchboard.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The one place for blocking calls the tests allow on non-blocking threads, loaded by BlockHound through
 * {@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration} when the JUnit Platform listener
 * installs it.
 * <p>
 * BlockHound's own integrations already mark Reactor's and Reactor Netty's threads as non-blocking and allow logging
 * and writes to standard output. An allowance added here names, in a comment, the class and call that block and why
 * that is acceptable; one that only hides a blocking call in gateway code is a bug in that code instead.
 */
public class SwitchboardBlockHoundIntegration implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		// Netty 4.2's default allocator grows its set of buffer magazines under a StampedLock when event loops
		// allocate at once (seen with two 40 MiB answers moving through the gateway and the test upstream): a short
		// park inside Netty's own allocator, by its design, which Netty's BlockHound integration does not list yet
		builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
		// Lettuce writes a command to its connection under a ReentrantLock that event loops contend for when many
		// requests send Redis commands at once (100 concurrent admissions over one connection): held for the
		// enqueue only, by Lettuce's design for use from event loops
		builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
		builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters");
		// Resilience4j records each call's outcome in a circuit breaker's sliding window under a ReentrantLock,
		// contended when many calls to one provider end at once (100 concurrent streams): a few field updates
		builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record");
	}

}
