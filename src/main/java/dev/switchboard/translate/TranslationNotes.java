package dev.switchboard.translate;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a request translation left out, and the headers the translated request needs upstream. One per request.
 * <p>
 * Dropped parameters reach the client in {@value #DROPPED_HEADER}, comma-separated, named as the client sent them
 * (a nested one by its path: {@code messages.content.cache_control}).
 */
public final class TranslationNotes {

	/** The response header listing the request parameters that the target's format could not carry. */
	public static final String DROPPED_HEADER = "x-switchboard-dropped-params";

	private final Set<String> dropped = new LinkedHashSet<>();

	private final Map<String, String> upstreamHeaders = new LinkedHashMap<>();

	/** Records that {@code param} was left out. */
	public void dropped(String param) {
		this.dropped.add(param);
	}

	/** Asks for a header on the upstream request. */
	public void upstreamHeader(String name, String value) {
		this.upstreamHeaders.put(name, value);
	}

	/** The dropped parameters, in the order they were met. */
	public Set<String> dropped() {
		return this.dropped;
	}

	public Map<String, String> upstreamHeaders() {
		return this.upstreamHeaders;
	}

}
