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
	}

}
