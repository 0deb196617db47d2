/**
 * Gateway keys: who calls ({@code Callers}: configured keys of the snapshot and API keys from memory, one digest and
 * one hash lookup either way), what each key may do ({@code Role}, the scopes of {@code KeySpec}: models, endpoints,
 * providers, ip-allow; expiry; BYO provider credentials), the actuator guard, and the admin API of keys
 * ({@code KeyAdminHandler} under {@code /admin/keys}) with the stores API keys live in ({@code LocalKeyStore} under
 * {@code switchboard.state.dir}, {@code RedisKeyStore} shared by every replica). docs/keys.md is the reference.
 */
@NullMarked
package dev.switchboard.auth;

import org.jspecify.annotations.NullMarked;
