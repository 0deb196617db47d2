/**
 * Guardrails: the texts of a request (and of its answer) checked for secrets, personal data, deny-listed words and
 * users' own patterns, then redacted, masked (reversibly, per request), blocked or only logged; optionally a policy
 * webhook. {@link dev.switchboard.guardrails.GuardrailsFilter} runs in the guardrails slot and attaches
 * {@link dev.switchboard.guardrails.AnswerGuard} to the answer for the response side, streams included.
 */
@NullMarked
package dev.switchboard.guardrails;

import org.jspecify.annotations.NullMarked;
