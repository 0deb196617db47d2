package dev.switchboard.translate;

/**
 * What a translation needs to know beyond the documents themselves, fixed once per request so that tests are
 * deterministic.
 *
 * @param created the {@code created} time (epoch seconds) of hub answers whose provider gives none
 */
public record TranslationContext(long created) {

	/** A context for a request arriving now. */
	public static TranslationContext now() {
		return new TranslationContext(System.currentTimeMillis() / 1000);
	}

}
