package dev.switchboard.support;

/**
 * Names of the headers the gateway adds or reads. They are public interface.
 */
public final class GatewayHeaders {

	/** Echoed from the request, or generated: on every response. */
	public static final String REQUEST_ID = "x-request-id";

	/** The provider id that answered. */
	public static final String PROVIDER = "x-switchboard-provider";

	/** The model sent upstream. */
	public static final String MODEL = "x-switchboard-model";

	/** How many upstream requests were made for this client request. */
	public static final String ATTEMPTS = "x-switchboard-attempts";

	/** The gateway's own time to the answer, in milliseconds: total time less the time spent on upstreams. */
	public static final String OVERHEAD_MS = "x-switchboard-overhead-ms";

	/** Each attempt and skipped target: {@code provider/model;outcome=...;dur=ms}, comma-separated. */
	public static final String ROUTING = "x-switchboard-routing";

	/** The id of the Spring Cloud Gateway route that served an AI or passthrough request. */
	public static final String ROUTE = "x-switchboard-route";

	/** A BYO key's own provider credential, sent upstream instead of the configured provider key; never forwarded. */
	public static final String PROVIDER_API_KEY = "x-provider-api-key";

	/** The guardrail rules that acted on the request or its answer: {@code secrets:aws-access-key-id=redact}, comma-separated. */
	public static final String GUARDRAILS = "x-switchboard-guardrails";
	/** On a JSON answer: what it cost in US dollars, six decimals ({@code 0.000000} for a cache hit). */
	public static final String COST_USD = "x-switchboard-cost-usd";

	/** Past a budget's {@code warn-at}: {@code <name> <percent>%} of the tightest budget. */
	public static final String BUDGET_WARNING = "x-switchboard-budget-warning";

	private GatewayHeaders() {
	}

	/** Millionths of a dollar as dollars with six decimals ({@code 1234} is {@code 0.001234}), without BigDecimal. */
	public static String usd(long microUsd) {
		long micros = Math.max(0, microUsd);
		String fraction = Long.toString(micros % 1_000_000);
		return (micros / 1_000_000) + "." + "000000".substring(fraction.length()) + fraction;
	}

	/**
	 * Nanoseconds as {@link #OVERHEAD_MS} carries them: milliseconds with three decimals ({@code 4.039}), without
	 * {@code String.format}, which costs more than the rest of a cache hit's headers together.
	 */
	public static String millis(long nanos) {
		long micros = Math.max(0, nanos) / 1000;
		long fraction = micros % 1000;
		return (micros / 1000) + ((fraction < 10) ? ".00" : (fraction < 100) ? ".0" : ".") + fraction;
	}

}
