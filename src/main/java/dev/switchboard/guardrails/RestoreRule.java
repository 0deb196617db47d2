package dev.switchboard.guardrails;

import java.util.ArrayList;
import java.util.List;

/**
 * The placeholders this request's masking gave out, found in an answer so that the originals go back in. A
 * placeholder the request never gave out is left as the model wrote it.
 */
final class RestoreRule extends Rule {

	static final String NAME = "masked-value";

	private static final PatternRule PLACEHOLDER = new PatternRule(NAME, "\\[[A-Z][A-Z0-9_]{0,40}_[0-9]{1,6}\\]",
			new String[] { "[" }).builtIn();

	private final Masks masks;

	RestoreRule(Masks masks) {
		super(NAME);
		this.masks = masks;
	}

	@Override
	void find(Text text, int from, List<Span> out) {
		List<Span> candidates = new ArrayList<>(4);
		PLACEHOLDER.find(text, from, candidates);
		for (Span span : candidates) {
			if (this.masks.original(text.value.substring(span.start(), span.end())) != null) {
				out.add(new Span(span.start(), span.end(), this));
			}
		}
	}

	@Override
	boolean possibleAt(String text, int start) {
		return PLACEHOLDER.possibleAt(text, start);
	}

	String original(String placeholder) {
		String original = this.masks.original(placeholder);
		return (original != null) ? original : placeholder;
	}

}
