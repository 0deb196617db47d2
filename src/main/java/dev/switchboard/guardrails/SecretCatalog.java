package dev.switchboard.guardrails;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The credential formats people paste into prompts, each a {@link PatternRule} written from the issuer's documented
 * format (prefixes, lengths, alphabets). docs/guardrails.md lists what each matches; the tests hold a positive and a
 * negative fixture per rule. Names are public interface.
 */
final class SecretCatalog {

	/** The PEM rule: its match may be longer than a stream's hold-back, so a stream keeps it open to its end line. */
	static final String PRIVATE_KEY = "private-key";

	/** The end line of a PEM private key block, which closes a block a stream kept open. */
	static final java.util.regex.Pattern PRIVATE_KEY_END = java.util.regex.Pattern
		.compile("-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----");

	/** A boundary before a token, kept out of group 1: a non-word char, or an escaped line break of JSON text. */
	static final String B = "(?:^|[^A-Za-z0-9_]|\\\\[nrt])";

	private static final String E = "(?:[^A-Za-z0-9_]|$)"; // a boundary after it

	private static final List<Rule> RULES = List.of(
			// AWS: access key ids (AKIA long-term, ASIA temporary, ...); the secret key as 40 base64 chars next to a name
			token("aws-access-key-id", "(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", "akia", "asia", "abia", "acca"),
			named("aws-secret-access-key", "(?i:aws[a-z0-9_ .\\-]{0,24}secret[a-z0-9_ .\\-]{0,24}[\"']?\\s{0,4}[:=]>?\\s{0,4}[\"']?)",
					"[A-Za-z0-9/+]{40}", E, lit("secret"), v -> true),
			// Google: API keys (GCP and Google AI Studio, AIza + 35), service-account JSON's private_key_id
			token("google-api-key", "AIza[0-9A-Za-z_\\-]{35}", "aiza"),
			named("gcp-service-account", "\"private_key_id\"\\s{0,4}:\\s{0,4}\"", "[a-f0-9]{40}", "\"", lit("private_key_id"),
					v -> true),
			// Azure: storage account keys in connection strings, SAS signatures, Service Bus / Event Hubs keys
			named("azure-storage-key", "(?i:AccountKey=)", "[A-Za-z0-9+/]{86}==", "", lit("accountkey="), v -> true),
			named("azure-sas-token", "[?&]sig=", "[A-Za-z0-9%+/]{40,}(?:%3D|=){0,2}", "", lit("sig="), v -> true),
			named("azure-shared-access-key", "(?i:SharedAccessKey=)", "[A-Za-z0-9+/]{42,43}=", "", lit("sharedaccesskey="),
					v -> true),
			// GitHub: classic PATs, OAuth, user-to-server and refresh tokens; app installation tokens; fine-grained PATs
			token("github-token", "gh[pour]_[A-Za-z0-9]{36}", "ghp_", "gho_", "ghu_", "ghr_"),
			token("github-app-token", "ghs_[A-Za-z0-9]{36}", "ghs_"),
			token("github-fine-grained-token", "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}", "github_pat_"),
			// GitLab: personal, deploy, runner, pipeline-trigger, feed and CI/CD job tokens
			token("gitlab-token", "(?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt)-[A-Za-z0-9_\\-]{20,}", "glpat-",
					"gldt-", "glrt-", "glptt-", "glft-", "glsoat-", "glcbt-"),
			// Slack: bot, user, app-level and config tokens; incoming webhooks
			token("slack-token", "xox[baprse]-[0-9A-Za-z\\-]{10,250}|xapp-[0-9]-[A-Z0-9]{8,}-[0-9]{6,}-[a-z0-9]{32,}",
					"xox", "xapp-"),
			new PatternRule("slack-webhook",
					"https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\\-]{20,}", lit("hooks.slack.com"))
				.builtIn(),
			// Stripe secret and restricted keys (publishable pk_ keys are public)
			token("stripe-key", "(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,247}", "sk_live_", "sk_test_", "rk_live_",
					"rk_test_"),
			// Twilio API key SIDs (SK + 32 hex) and auth tokens next to their name
			token("twilio-api-key", "SK[0-9a-fA-F]{32}", "sk"),
			named("twilio-auth-token", "(?i:twilio[a-z0-9_ .\\-]{0,24}(?:auth)?[_ .\\-]?token[\"']?\\s{0,4}[:=]\\s{0,4}[\"']?)",
					"[0-9a-f]{32}", E, lit("twilio"), v -> true),
			token("sendgrid-api-key", "SG\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9_\\-]{43}", "sg."),
			token("npm-token", "npm_[A-Za-z0-9]{36}", "npm_"),
			token("pypi-token", "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,}", "pypi-"),
			token("huggingface-token", "hf_[A-Za-z0-9]{34,40}", "hf_"),
			// model providers
			token("anthropic-api-key", "sk-ant-(?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_\\-]{80,120}", "sk-ant-"),
			token("openai-api-key",
					"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\\-]{40,300}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48}",
					"sk-"),
			token("groq-api-key", "gsk_[A-Za-z0-9]{52}", "gsk_"),
			token("xai-api-key", "xai-[A-Za-z0-9]{80}", "xai-"),
			token("perplexity-api-key", "pplx-[A-Za-z0-9]{48}", "pplx-"),
			token("replicate-api-token", "r8_[A-Za-z0-9]{37}", "r8_"),
			// JSON Web Tokens: header and payload are base64url JSON objects, so both begin with eyJ
			token("jwt", "eyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}", "eyj"),
			// PEM private keys, the whole block; an unterminated block to the end of the text
			new PatternRule(PRIVATE_KEY,
					"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\\s\\S]*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[\\s\\S]*$)",
					lit("private key")).builtIn(),
			// user:password@ in URLs and connection strings (postgres://, mongodb+srv://, redis://, https://, ...)
			named("url-credentials", "[A-Za-z][A-Za-z0-9+.\\-]{1,20}://[^\\s:/@\"'<>]{1,40}:", "[^\\s:/@\"'<>]{1,256}",
					"@[A-Za-z0-9.\\-\\[\\]]+", lit("://"), SecretCatalog::notPlaceholder),
			// password = ..., secret: ..., api_key: ... (YAML, .env, JSON, code); not ${VAR}, <placeholder>, env lookups
			named("secret-assignment",
					"(?i:(?:^|[^A-Za-z0-9])(?:password|passwd|pwd|passphrase|secret|client[_\\-]?secret|api[_\\-]?key|apikey|access[_\\-]?token|auth[_\\-]?token|secret[_\\-]?key|private[_\\-]?key)[\"']?[ \\t]{0,4}(?:[:=]|:=|=>)[ \\t]{0,4}[\"']?)",
					"[^\\s\"'`,;)\\]}<>]{4,200}", "", lit("pass", "pwd", "secret", "key", "token"), SecretCatalog::assignedSecret));

	private SecretCatalog() {
	}

	static List<Rule> rules() {
		return RULES;
	}

	/**
	 * A rule whose secret follows a name or a marker ({@code password: }, {@code AccountKey=}, {@code user:} in a
	 * URL): the match is {@code prefix + (secret) + suffix}, the secret part is what is acted on, and a stream holds
	 * back from where the secret starts, behind the prefix (a look-behind, so {@code prefix} must have a bounded
	 * length).
	 */
	private static Rule named(String name, String prefix, String secret, String suffix, String[] literals,
			java.util.function.Predicate<String> valid) {
		return new PatternRule(name, prefix + "(" + secret + ")" + suffix, 1, literals, valid,
				"(?<=" + prefix + ")(?:" + secret + ")" + suffix).builtIn();
	}

	/** A rule whose match is a whole token: not inside a longer run of word characters. */
	private static Rule token(String name, String regex, String... literals) {
		return new PatternRule(name, B + "(" + regex + ")" + E, 1, lowered(literals), v -> true).wordStart()
			.prefixed()
			.builtIn();
	}

	private static String[] lit(String... literals) {
		return lowered(literals);
	}

	private static String[] lowered(String[] literals) {
		String[] lower = new String[literals.length];
		for (int i = 0; i < literals.length; i++) {
			lower[i] = literals[i].toLowerCase(Locale.ROOT);
		}
		return lower;
	}

	private static final Set<String> PLACEHOLDERS = Set.of("password", "passwd", "secret", "changeme", "null", "none",
			"true", "false", "undefined", "example", "redacted", "xxxx", "****", "your_password", "yourpassword",
			"your-password", "string", "required", "optional");

	/**
	 * A value assigned to a secret's name: a real one (see {@link #notPlaceholder}) that looks like a credential
	 * rather than a word of prose ({@code secret: nobody}) or a name: eight characters or more, or not only letters,
	 * and not an identifier.
	 */
	static boolean assignedSecret(String value) {
		return notPlaceholder(value) && (value.length() >= 8 || !value.chars().allMatch(Character::isLetter))
				&& !IDENTIFIER.matcher(value).matches();
	}

	/**
	 * A name rather than a value: lower-case words joined by separators ({@code x-api-key}, {@code db_password}) or
	 * an upper-case constant, as code assigns to its own constants.
	 */
	private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern
		.compile("[a-z]+(?:[-_.][a-z]+)*|[A-Z]+(?:_[A-Z]+)*");

	/**
	 * Whether an assigned value is a real one: not a reference (a variable, template, environment or function
	 * lookup), nor a documentation placeholder, nor already redacted.
	 */
	static boolean notPlaceholder(String value) {
		char first = value.charAt(0);
		if (first == '$' || first == '<' || first == '{' || first == '%' || first == '[' || first == '(' || first == '*'
				|| first == '&' || first == '@') {
			return false;
		}
		String lower = value.toLowerCase(Locale.ROOT);
		if (PLACEHOLDERS.contains(lower) || lower.chars().allMatch(c -> c == 'x' || c == '*' || c == '.')) {
			return false;
		}
		// a call or a member lookup: os.environ[...], process.env.X, getenv(...), settings.SECRET
		if (lower.startsWith("os.") || lower.startsWith("process.") || lower.startsWith("env.")
				|| lower.startsWith("getenv") || lower.startsWith("self.") || lower.startsWith("this.")
				|| lower.startsWith("config.") || lower.startsWith("settings.") || lower.contains("(")) {
			return false;
		}
		return true;
	}

}
