package dev.switchboard.resilience;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

/**
 * How long a provider asked the gateway to wait before trying it again: {@code Retry-After} (delta seconds or an
 * HTTP date) and OpenAI's {@code x-ratelimit-reset-requests} / {@code x-ratelimit-reset-tokens} ({@code 1s},
 * {@code 6m0s}, {@code 20ms}). The longest of them wins: a retry never comes sooner than any of them asked.
 */
public final class RetryAfter {

	private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

	private RetryAfter() {
	}

	/** The longest wait the headers ask for, or {@code null} when they ask for none. */
	public static @Nullable Duration of(HttpHeaders headers, Instant now) {
		Duration wait = parse(headers.get("retry-after"), now);
		wait = longer(wait, parseReset(headers.get("x-ratelimit-reset-requests")));
		return longer(wait, parseReset(headers.get("x-ratelimit-reset-tokens")));
	}

	/** The wait {@code Retry-After} asks for (never negative), or {@code null} when it is absent or unreadable. */
	public static @Nullable Duration parse(@Nullable String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		try {
			double seconds = Double.parseDouble(trimmed);
			return (seconds >= 0 && seconds < 1e9) ? Duration.ofMillis((long) Math.ceil(seconds * 1000)) : null;
		}
		catch (NumberFormatException notSeconds) {
			try {
				Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				Duration wait = Duration.between(now, at);
				return wait.isNegative() ? Duration.ZERO : wait;
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	/** An {@code x-ratelimit-reset-*} value such as {@code 1m30.5s} or {@code 250ms}, or {@code null}. */
	static @Nullable Duration parseReset(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		Matcher matcher = GO_DURATION_PART.matcher(value.trim());
		double millis = 0;
		int end = 0;
		while (matcher.find()) {
			if (matcher.start() != end) {
				return null;
			}
			double amount = Double.parseDouble(matcher.group(1));
			millis += switch (matcher.group(2)) {
				case "h" -> amount * 3_600_000;
				case "m" -> amount * 60_000;
				case "s" -> amount * 1000;
				default -> amount;
			};
			end = matcher.end();
		}
		return (end == value.trim().length() && end > 0) ? Duration.ofMillis((long) Math.ceil(millis)) : null;
	}

	private static @Nullable Duration longer(@Nullable Duration a, @Nullable Duration b) {
		if (a == null) {
			return b;
		}
		return (b == null || a.compareTo(b) >= 0) ? a : b;
	}

}
