package dev.switchboard.quota;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** A budget's period, aligned to UTC: a day, an ISO week (from Monday), a calendar month, or all time. */
public enum BudgetPeriod {

	DAY, WEEK, MONTH, TOTAL;

	public static @Nullable BudgetPeriod of(@Nullable String value) {
		if (value == null) {
			return null;
		}
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "day" -> DAY;
			case "week" -> WEEK;
			case "month" -> MONTH;
			case "total" -> TOTAL;
			default -> null;
		};
	}

	/** The period {@code now} is in, as a short id ({@code 2026-12-03}, {@code 2026-W49}, {@code 2026-12}, {@code total}). */
	public String id(Instant now) {
		return today(now).id();
	}

	/**
	 * The id and end of the period of {@code now}'s UTC day, computed once a day rather than for every request that
	 * checks a budget.
	 */
	private Today today(Instant now) {
		long day = Math.floorDiv(now.getEpochSecond(), 86_400);
		Today known = this.today;
		if (known == null || known.epochDay() != day) {
			LocalDate date = LocalDate.ofEpochDay(day);
			known = new Today(day, idOf(date), endOf(date));
			this.today = known;
		}
		return known;
	}

	private volatile @Nullable Today today;

	private record Today(long epochDay, String id, @Nullable Instant end) {
	}

	private String idOf(LocalDate date) {
		return switch (this) {
			case DAY -> date.toString();
			case WEEK -> date.get(IsoFields.WEEK_BASED_YEAR) + "-W"
					+ String.format(Locale.ROOT, "%02d", date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
			case MONTH -> date.toString().substring(0, 7);
			case TOTAL -> "total";
		};
	}

	/** When the period {@code now} is in began; {@code null} for {@link #TOTAL}. */
	public @Nullable Instant start(Instant now) {
		LocalDate date = LocalDate.ofInstant(now, ZoneOffset.UTC);
		LocalDate first = switch (this) {
			case DAY -> date;
			case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
			case MONTH -> date.withDayOfMonth(1);
			case TOTAL -> null;
		};
		return (first != null) ? first.atStartOfDay(ZoneOffset.UTC).toInstant() : null;
	}

	/** When the period {@code now} is in ends; {@code null} for {@link #TOTAL}. */
	public @Nullable Instant end(Instant now) {
		return today(now).end();
	}

	private @Nullable Instant endOf(LocalDate date) {
		LocalDate next = switch (this) {
			case DAY -> date.plusDays(1);
			case WEEK -> date.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
			case MONTH -> date.withDayOfMonth(1).plusMonths(1);
			case TOTAL -> null;
		};
		return (next != null) ? next.atStartOfDay(ZoneOffset.UTC).toInstant() : null;
	}

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}
