/**
 * The response cache, in the cache slot of the filter chain: exact and semantic lookups, stored answers replayed
 * (streams byte for byte), identical requests in flight folded into one upstream call, and the stores (local
 * Caffeine, shared Redis).
 */
@NullMarked
package dev.switchboard.cache;

import org.jspecify.annotations.NullMarked;
