/**
 * Where state that outlives a request lives: {@code switchboard.state.store} is {@code local} (this process, files
 * under {@code switchboard.state.dir}) or {@code redis} (shared by every replica). Other capabilities take the one
 * {@link dev.switchboard.state.StateStore} bean and use these small pieces:
 * <ul>
 * <li>{@link dev.switchboard.state.StateStore#redis()}: the {@link dev.switchboard.state.RedisState} client, or
 * {@code null} for the local store. Its {@code strings(c -> c.get(key))} and {@code bytes(c -> c.set(key, value,
 * SetArgs.Builder.px(ttl)))} run Lettuce's reactive commands (String or byte[] values); an outage arrives as
 * {@link dev.switchboard.state.StateUnavailableException} at once, never as a wait. {@code script(lua).run(...)} runs a
 * Lua script in one round trip (atomic in Redis); {@code publish} and {@code subscribe} are pub/sub across replicas.</li>
 * <li>{@link dev.switchboard.state.StateStore#availability()}: up or down now, and a
 * {@link dev.switchboard.state.StateAvailability.Listener} told of each outage and each recovery (to reconcile local
 * counts, re-read records, treat the cache as a miss).</li>
 * <li>{@link dev.switchboard.state.StateStore#onUnavailable()}: {@code allow} (fail open) or {@code deny}
 * ({@code 503 state_unavailable}) while Redis is down, for the capabilities to apply.</li>
 * <li>{@link dev.switchboard.state.StateStore#local()}: the {@link dev.switchboard.state.LocalDirectory}, files written
 * whole and atomically, off the event loop, in the order asked.</li>
 * </ul>
 * The store is chosen at start-up; a reload checks {@code switchboard.state} but a changed store needs a restart.
 * Health component {@code state} and the meters {@code switchboard.state.outages} and
 * {@code switchboard.state.available} show outages.
 */
@NullMarked
package dev.switchboard.state;

import org.jspecify.annotations.NullMarked;
