package dev.switchboard.guardrails;

import org.springframework.http.HttpHeaders;

import dev.switchboard.support.ErrorCode;
import dev.switchboard.support.GatewayException;

/**
 * A guardrail refused the request or its answer: {@code 400 guardrail_blocked}, the message naming the guardrail
 * and the rule, never the matched text.
 */
final class GuardrailBlockedException extends GatewayException {

	GuardrailBlockedException(String guardrail, String rule, HttpHeaders headers) {
		super(ErrorCode.GUARDRAIL_BLOCKED, message(guardrail, rule), null, headers);
	}

	/** A block with the reason a policy webhook gave (its own words, not the request's text). */
	GuardrailBlockedException(String guardrail, String rule, String reason, HttpHeaders headers) {
		super(ErrorCode.GUARDRAIL_BLOCKED, "Blocked by guardrail '" + guardrail + "' (rule " + rule + "): " + reason,
				null, headers);
	}

	static String message(String guardrail, String rule) {
		return "Blocked by guardrail '" + guardrail + "' (rule " + rule + ").";
	}

}
