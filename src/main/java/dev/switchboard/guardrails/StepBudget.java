package dev.switchboard.guardrails;

/**
 * A text that counts the characters a regular-expression engine reads and gives up after a budget: bounds the time
 * of a backtracking engine on any pattern and input, at the cost of an "I could not tell".
 */
final class StepBudget implements CharSequence {

	private final String text;

	private int left;

	StepBudget(String text, int budget) {
		this.text = text;
		this.left = budget;
	}

	@Override
	public char charAt(int index) {
		if (--this.left < 0) {
			throw Exhausted.INSTANCE;
		}
		return this.text.charAt(index);
	}

	@Override
	public int length() {
		return this.text.length();
	}

	@Override
	public CharSequence subSequence(int start, int end) {
		return this.text.subSequence(start, end);
	}

	@Override
	public String toString() {
		return this.text;
	}

	/** Thrown when the budget is spent; shared and without a stack, as it is expected. */
	static final class Exhausted extends RuntimeException {

		static final Exhausted INSTANCE = new Exhausted();

		private Exhausted() {
			super("step budget exhausted", null, false, false);
		}

	}

}
