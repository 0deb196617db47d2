package dev.switchboard.testsupport;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * For tests that start and stop extra gateways in the same JVM as the cached test context: gives that application its
 * own Reactor Netty event loops and pools. With the default global resources, closing the extra application would
 * dispose the loops every other gateway in the JVM still uses, and their upstream calls would hang.
 */
@TestConfiguration(proxyBeanMethods = false)
public class PrivateReactorResources {

	@Bean
	ReactorResourceFactory reactorResourceFactory() {
		ReactorResourceFactory factory = new ReactorResourceFactory();
		factory.setUseGlobalResources(false);
		return factory;
	}

}
