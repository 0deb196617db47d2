package dev.switchboard.cache;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.switchboard.config.RuntimeConfig;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import dev.switchboard.support.EventLoopTimers;
import dev.switchboard.support.Json;
import dev.switchboard.translate.JsonTrees;

/**
 * The semantic mode's embeddings from a model the gateway serves ({@code semantic.embedding: <alias>} or
 * {@code <provider>/<model>}): a {@code /v1/embeddings} request to its targets in the route's order, each through its
 * provider's circuit breaker and within its first-byte timeout, the first 200 with a vector winning. These calls are
 * the gateway's own, counted in no key's quota. A model that cannot be reached, or answers no vector, makes the
 * lookup a miss.
 */
final class GatewayEmbedder {

	private static final Log logger = LogFactory.getLog(GatewayEmbedder.class);

	/** Largest embeddings answer read. */
	private static final int MAX_BYTES = 4 * 1024 * 1024;

	/** The conversation's embedding from {@code model} as {@code config} resolves it; empty when none came. */
	Mono<float[]> embed(RuntimeConfig config, String model, String text) {
		RoutePlan plan = config.routes().resolve(model);
		if (plan == null) {
			return Mono.empty();
		}
		List<Target> targets = plan.orderedTargets();
		return Flux.fromIterable(targets).concatMap(target -> attempt(target, text), 0).next();
	}

	private Mono<float[]> attempt(Target target, String text) {
		if (target.provider().adapter().unsupportedReason(Endpoint.EMBEDDINGS, WireFormat.OPENAI) != null) {
			return Mono.empty();
		}
		return Mono.defer(() -> {
			StringBuilder body = new StringBuilder(text.length() + 64).append("{\"model\":");
			Json.appendString(body, target.model()).append(",\"input\":");
			Json.appendString(body, text).append('}');
			ByteBuf request = Unpooled.wrappedBuffer(body.toString().getBytes(StandardCharsets.UTF_8));
			return target.provider()
				.adapter()
				.exchange(new UpstreamCall(Endpoint.EMBEDDINGS, target.model(), request, new DefaultHttpHeaders(), false));
		})
			.flatMap(this::vector)
			.timeout(target.firstByteTimeout(), EventLoopTimers.current())
			.transformDeferred(CircuitBreakerOperator.of(target.provider().circuitBreaker()))
			.onErrorResume(failure -> {
				if (logger.isDebugEnabled()) {
					logger.debug("semantic cache: embedding from " + target.provider().id() + "/" + target.model()
							+ " failed: " + failure);
				}
				return Mono.empty();
			});
	}

	private Mono<float[]> vector(UpstreamResponse response) {
		if (response.status() != 200) {
			response.discard();
			return Mono.error(new IllegalStateException("HTTP " + response.status()));
		}
		return response.body().collect(java.io.ByteArrayOutputStream::new, (out, chunk) -> {
			try {
				if (out.size() + chunk.readableBytes() <= MAX_BYTES) {
					chunk.readBytes(out, chunk.readableBytes());
				}
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			finally {
				chunk.release();
			}
		}).mapNotNull(out -> parse(out.toByteArray()));
	}

	static float @Nullable [] parse(byte[] body) {
		ObjectNode answer = JsonTrees.parseObject(body);
		JsonNode values = (answer != null) ? answer.path("data").path(0).get("embedding") : null;
		if (values == null || !values.isArray() || values.isEmpty()) {
			return null;
		}
		float[] vector = new float[values.size()];
		for (int i = 0; i < vector.length; i++) {
			vector[i] = (float) values.get(i).asDouble();
		}
		return LocalEmbedder.normalised(vector);
	}

}
