package dev.switchboard.cache;

import reactor.core.publisher.Mono;

/** Turns a conversation's text into a unit vector, off the event loop; empty when it cannot now (never an error). */
interface Embedder {

	Mono<float[]> embed(String text);

}
