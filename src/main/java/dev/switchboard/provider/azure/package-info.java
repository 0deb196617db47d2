/**
 * Azure OpenAI: OpenAI's wire format at deployment-scoped URLs with an {@code api-key} header.
 */
@NullMarked
package dev.switchboard.provider.azure;

import org.jspecify.annotations.NullMarked;
