package dev.switchboard.quota;

/**
 * One adjustment of the store, applied after the fact (settling a reservation, recording usage, putting back counts
 * kept during an outage).
 *
 * @param type what to do
 * @param key the store key
 * @param field the member to remove ({@link Type#RELEASE}) or the hash field ({@link Type#RECORD}); else empty
 * @param amount what to add ({@link Type#ADD}, {@link Type#RECORD}); a counter never goes below 0
 * @param ttlMillis {@link Type#ADD}: how long the counter lives, 0 to leave it (Redis sets it when the add creates the counter)
 */
public record Op(Type type, String key, String field, long amount, long ttlMillis) {

	/** The adjustments, as the script names them. */
	public enum Type {

		ADD("i"), RELEASE("z"), RECORD("h");

		private final String code;

		Type(String code) {
			this.code = code;
		}

		public String code() {
			return this.code;
		}

	}

	static Op add(String key, long amount, long ttlMillis) {
		return new Op(Type.ADD, key, "", amount, ttlMillis);
	}

	static Op release(String key, String member) {
		return new Op(Type.RELEASE, key, member, 0, 0);
	}

	static Op record(String key, String field, long amount) {
		return new Op(Type.RECORD, key, field, amount, 0);
	}

}
