package dev.switchboard.guardrails;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Personal data: each entity a {@link PatternRule} whose candidates are confirmed by a check of their own (Luhn for
 * card numbers, ISO 13616 mod-97 and the country's length for IBANs, the SSA's ranges for US SSNs, octet values for
 * IPv4, the group grammar for IPv6, the digit count of E.164 for phone numbers). Names are public interface.
 */
final class PiiCatalog {

	private static final String B = SecretCatalog.B;

	private static final String E = "(?:[^A-Za-z0-9_]|$)";

	/** entity -> its rules (ip-address has two: IPv4 and IPv6). */
	static final Map<String, List<Rule>> ENTITIES = new LinkedHashMap<>();

	static {
		ENTITIES.put("email", List.of(new PatternRule("email",
				"(?:^|[^A-Za-z0-9._%+\\-]|\\\\[nrt])([A-Za-z0-9._%+\\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,62}\\.)+[A-Za-z]{2,24})(?:[^A-Za-z0-9.:\\-]|\\.[^A-Za-z0-9]|\\.$|$)",
				1, new String[] { "@" }, PiiCatalog::email).wordStart().builtIn()));
		ENTITIES.put("phone", List.of(new PatternRule("phone",
				// +CC then groups; or a North American (NXX) NXX-XXXX; or a national trunk-prefixed 0AA NNN NNNN
				B + "(\\+[1-9][0-9]{0,2}(?:[ .\\-]?\\(?[0-9]{1,4}\\)?){2,5}|\\(?[2-9][0-9]{2}\\)?[ .\\-]?[2-9][0-9]{2}[ .\\-][0-9]{4}|0[1-9][0-9]{0,3}[ \\-/][0-9]{3,4}[ \\-]?[0-9]{3,4})" + E,
				1, null, PiiCatalog::phone).wordStart().digits(8).builtIn()));
		ENTITIES.put("credit-card", List.of(new PatternRule("credit-card", B + "([0-9](?:[ \\-]?[0-9]){12,18})" + E, 1,
				null, PiiCatalog::card).wordStart().digits(13).builtIn()));
		ENTITIES.put("iban", List.of(new PatternRule("iban",
				B + "([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)" + E, 1, null, PiiCatalog::iban).wordStart().digits(2).builtIn()));
		ENTITIES.put("ip-address", List.of(
				new PatternRule("ip-address", "(?:^|[^0-9.])((?:[0-9]{1,3}\\.){3}[0-9]{1,3})(?:[^0-9.]|\\.[^0-9]|\\.?$)", 1,
						new String[] { "." }, PiiCatalog::ipv4).wordStart().digits(4).builtIn(),
				new PatternRule("ip-address", "(?:^|[^A-Za-z0-9_:]|\\\\[nrt])((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?:[^A-Za-z0-9_:]|$)", 1,
						new String[] { ":" }, PiiCatalog::ipv6).wordStart().digits(1).builtIn()));
		ENTITIES.put("us-ssn", List.of(new PatternRule("us-ssn", B + "([0-9]{3}-[0-9]{2}-[0-9]{4})" + E, 1, null,
				PiiCatalog::ssn).wordStart().digits(9).builtIn()));
	}

	private PiiCatalog() {
	}

	static boolean email(String value) {
		int at = value.indexOf('@');
		return at > 0 && value.charAt(0) != '.' && value.charAt(at - 1) != '.' && !value.contains("..");
	}

	/** E.164 allows at most 15 digits; fewer than 8 is an extension, a year, a count. */
	static boolean phone(String value) {
		int digits = 0;
		for (int i = 0; i < value.length(); i++) {
			if (Character.isDigit(value.charAt(i))) {
				digits++;
			}
		}
		return digits >= 8 && digits <= 15;
	}

	/** A known issuer prefix and length, and the Luhn checksum. */
	static boolean card(String value) {
		String digits = value.replace(" ", "").replace("-", "");
		int length = digits.length();
		boolean issuer = switch (digits.charAt(0)) {
			case '4' -> length == 13 || length == 16 || length == 19; // Visa
			case '5' -> length == 16 && digits.charAt(1) >= '1' && digits.charAt(1) <= '5'; // Mastercard
			case '2' -> length == 16 && between(digits, 4, 2221, 2720); // Mastercard 2-series
			case '3' -> (length == 15 && (digits.startsWith("34") || digits.startsWith("37"))) // Amex
					|| (length >= 16 && between(digits, 4, 3528, 3589)) // JCB
					|| (length == 14 && (digits.startsWith("36") || digits.startsWith("38") || between(digits, 3, 300, 305)));
			case '6' -> length >= 16 && (digits.startsWith("6011") || digits.startsWith("65") || between(digits, 3, 644, 649)
					|| digits.startsWith("62")); // Discover, UnionPay
			default -> false;
		};
		return issuer && luhn(digits);
	}

	private static boolean between(String digits, int prefix, int low, int high) {
		int value = Integer.parseInt(digits.substring(0, prefix));
		return value >= low && value <= high;
	}

	static boolean luhn(String digits) {
		int sum = 0;
		boolean twice = false;
		for (int i = digits.length() - 1; i >= 0; i--) {
			int d = digits.charAt(i) - '0';
			if (twice) {
				d *= 2;
				if (d > 9) {
					d -= 9;
				}
			}
			sum += d;
			twice = !twice;
		}
		return sum % 10 == 0;
	}

	/** IBAN lengths by country (ISO 13616 registry), for the countries most often seen. */
	private static final Map<String, Integer> IBAN_LENGTHS = Map.ofEntries(Map.entry("AD", 24), Map.entry("AT", 20),
			Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("CH", 21), Map.entry("CY", 28), Map.entry("CZ", 24),
			Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("EE", 20), Map.entry("ES", 24), Map.entry("FI", 18),
			Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GR", 27), Map.entry("HR", 21), Map.entry("HU", 28),
			Map.entry("IE", 22), Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("LI", 21), Map.entry("LT", 20),
			Map.entry("LU", 20), Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MT", 31), Map.entry("NL", 18),
			Map.entry("NO", 15), Map.entry("PL", 28), Map.entry("PT", 25), Map.entry("RO", 24), Map.entry("SE", 24),
			Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("TR", 26), Map.entry("AE", 23),
			Map.entry("SA", 24), Map.entry("IL", 23), Map.entry("BR", 29), Map.entry("UA", 29), Map.entry("QA", 29),
			Map.entry("KW", 30), Map.entry("MU", 30), Map.entry("RS", 22), Map.entry("ME", 22), Map.entry("BA", 20),
			Map.entry("AL", 28), Map.entry("GE", 22), Map.entry("AZ", 28), Map.entry("KZ", 20), Map.entry("JO", 30),
			Map.entry("LB", 28), Map.entry("PK", 24), Map.entry("EG", 29), Map.entry("TN", 24), Map.entry("MD", 24));

	/** The country's length and the mod-97 check of ISO 7064. */
	static boolean iban(String value) {
		String iban = value.replace(" ", "");
		Integer length = IBAN_LENGTHS.get(iban.substring(0, 2));
		if (length == null || iban.length() != length) {
			return false;
		}
		StringBuilder numeric = new StringBuilder(iban.length() * 2);
		String rearranged = iban.substring(4) + iban.substring(0, 4);
		for (int i = 0; i < rearranged.length(); i++) {
			char c = rearranged.charAt(i);
			numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
		}
		return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
	}

	/**
	 * The ranges the SSA never assigns: area 000, 666 or 900-999, group 00, serial 0000; and the numbers printed in
	 * advertising (078-05-1120, 219-09-9999).
	 */
	static boolean ssn(String value) {
		int area = Integer.parseInt(value.substring(0, 3));
		int group = Integer.parseInt(value.substring(4, 6));
		int serial = Integer.parseInt(value.substring(7));
		if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
			return false;
		}
		return !value.equals("078-05-1120") && !value.equals("219-09-9999");
	}

	static boolean ipv4(String value) {
		String[] octets = value.split("\\.");
		if (octets.length != 4) {
			return false;
		}
		for (String octet : octets) {
			if (octet.length() > 1 && octet.charAt(0) == '0') {
				return false; // 01.02.03.04: a version or a date, not an address
			}
			if (Integer.parseInt(octet) > 255) {
				return false;
			}
		}
		return true;
	}

	/** Eight groups of 1-4 hex digits, or fewer with one {@code ::}; at least two groups, one of them with a digit. */
	static boolean ipv6(String value) {
		int gap = value.indexOf("::");
		if (gap >= 0 && value.indexOf("::", gap + 1) >= 0) {
			return false;
		}
		int filled = 0;
		boolean digit = false;
		for (String group : value.split(":", -1)) {
			if (group.isEmpty()) {
				if (gap < 0) {
					return false;
				}
				continue;
			}
			if (group.length() > 4) {
				return false;
			}
			filled++;
			digit |= group.chars().anyMatch(Character::isDigit);
		}
		boolean complete = (gap < 0) ? filled == 8 : filled <= 7;
		return complete && filled >= 2 && digit;
	}

}
