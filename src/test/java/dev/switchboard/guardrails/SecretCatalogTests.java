package dev.switchboard.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.switchboard.guardrails.Fixtures.alnum;
import static dev.switchboard.guardrails.Fixtures.base64;
import static dev.switchboard.guardrails.Fixtures.hex;
import static dev.switchboard.guardrails.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;

/** Every catalog rule: a positive fixture it must find (only that rule) and a negative one it must let pass. */
class SecretCatalogTests {

	/** rule -> positive text, the value that must be redacted, negative text. */
	static Stream<Arguments> fixtures() {
		String awsId = Fixtures.awsAccessKeyId();
		String awsSecret = Fixtures.awsSecretKey();
		String google = join("AI", "za", alnum(35, 20));
		String keyId = hex(40, 21);
		String storage = base64(86, 22) + "==";
		String sas = base64(43, 23) + "%3D";
		String sbKey = base64(43, 24) + "=";
		String ghp = Fixtures.githubToken();
		String ghs = join("gh", "s_", alnum(36, 25));
		String fine = join("github", "_pat_", alnum(22, 26), "_", alnum(59, 27));
		String gitlab = join("glp", "at-", alnum(20, 28));
		String slack = join("xo", "xb-", "1234567890-1234567890123-", alnum(24, 29));
		String hook = join("https://hooks.slack", ".com/services/T00000000/B00000000/", alnum(24, 30));
		String stripe = join("sk", "_live_", alnum(24, 31));
		String twilio = join("S", "K", hex(32, 32));
		String twilioToken = hex(32, 33);
		String sendgrid = join("S", "G.", alnum(22, 34), ".", alnum(43, 35));
		String npm = join("np", "m_", alnum(36, 36));
		String pypi = join("py", "pi-AgEIcHlwaS5vcmc", alnum(60, 37));
		String hf = join("h", "f_", alnum(34, 38));
		String anthropic = Fixtures.anthropicKey();
		String openai = Fixtures.openAiKey();
		String legacyOpenai = join("sk-", alnum(20, 39), "T3Blbk", "FJ", alnum(20, 40));
		String groq = join("gs", "k_", alnum(52, 41));
		String xai = join("xa", "i-", alnum(80, 42));
		String pplx = join("pp", "lx-", alnum(48, 43));
		String r8 = join("r", "8_", alnum(37, 44));
		String jwt = Fixtures.jwt();
		String pem = Fixtures.privateKey();
		return Stream.of(
				Arguments.of("aws-access-key-id", "my key is " + awsId + " ok", awsId, "AKIA is a prefix; AKIA" + "IOSFODNN7EXAMPLEXX is too long"),
				Arguments.of("aws-secret-access-key", "aws_secret_access_key = " + awsSecret, awsSecret,
						"aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}"),
				Arguments.of("google-api-key", "key=" + google + "&q=1", google, "AIza" + alnum(10, 1) + " is short"),
				Arguments.of("gcp-service-account", "{\"type\": \"service_account\", \"private_key_id\": \"" + keyId + "\"}",
						keyId, "{\"private_key_id\": \"<your key id>\"}"),
				Arguments.of("azure-storage-key",
						"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + storage + ";EndpointSuffix=core.windows.net",
						storage, "AccountKey=<storage-key>"),
				Arguments.of("azure-sas-token", "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=" + sas, sas,
						"the sig= parameter of a SAS URL"),
				Arguments.of("azure-shared-access-key",
						"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=" + sbKey, sbKey,
						"SharedAccessKey=${SB_KEY}"),
				Arguments.of("github-token", "export GITHUB_TOKEN=" + ghp, ghp, "ghp_" + alnum(10, 2) + " is truncated"),
				Arguments.of("github-app-token", "token " + ghs, ghs, "ghs_ tokens expire after an hour"),
				Arguments.of("github-fine-grained-token", "Authorization: Bearer " + fine, fine,
						"github_pat_" + alnum(22, 3) + " only half"),
				Arguments.of("gitlab-token", "PRIVATE-TOKEN: " + gitlab, gitlab, "glpat-short"),
				Arguments.of("slack-token", "SLACK_BOT_TOKEN " + slack, slack, "xoxb- is the bot prefix"),
				Arguments.of("slack-webhook", "curl -X POST " + hook, hook, "https://hooks.slack.com/ is the host"),
				Arguments.of("stripe-key", "Stripe.apiKey = \"" + stripe + "\";", stripe, "pk_live_" + alnum(24, 4) + " is public"),
				Arguments.of("twilio-api-key", "api key sid " + twilio, twilio, "AC" + hex(32, 5) + " is an account sid"),
				Arguments.of("twilio-auth-token", "TWILIO_AUTH_TOKEN=" + twilioToken, twilioToken, "TWILIO_AUTH_TOKEN=$TOKEN"),
				Arguments.of("sendgrid-api-key", "SENDGRID " + sendgrid, sendgrid, "SG.example is not a key"),
				Arguments.of("npm-token", "//registry.npmjs.org/:_authToken " + npm, npm, "npm_config_cache=/tmp/npm"),
				Arguments.of("pypi-token", "password = " + pypi, pypi, "pypi-AgEI is a prefix"),
				Arguments.of("huggingface-token", "HF_TOKEN " + hf, hf, "hf_hub_download(repo_id)"),
				Arguments.of("anthropic-api-key", "ANTHROPIC_API_KEY " + anthropic, anthropic, "sk-ant-api03- is the prefix"),
				Arguments.of("openai-api-key", "client = OpenAI(api_key \"" + openai + "\")", openai, "sk-learn is a library"),
				Arguments.of("openai-api-key", "OPENAI " + legacyOpenai, legacyOpenai, "sk-" + alnum(10, 6)),
				Arguments.of("groq-api-key", "GROQ " + groq, groq, "gsk_ then 52 characters"),
				Arguments.of("xai-api-key", "XAI " + xai, xai, "xai-grok is a model"),
				Arguments.of("perplexity-api-key", "PPLX " + pplx, pplx, "pplx-api docs"),
				Arguments.of("replicate-api-token", "REPLICATE " + r8, r8, "r8_ prefix"),
				Arguments.of("jwt", "Authorization: Bearer " + jwt, jwt, "eyJ is base64 for {\""),
				Arguments.of("private-key", "here:\n" + pem + "\nthanks", pem, "-----BEGIN PUBLIC KEY-----\n" + base64(64, 7)
						+ "\n-----END PUBLIC KEY-----"),
				Arguments.of("url-credentials", "DATABASE_URL postgres://admin:" + "s3cr3t-Pa55" + "@db.example.com:5432/app",
						"s3cr3t-Pa55", "https://user@example.com/path and http://localhost:8080/"),
				Arguments.of("secret-assignment", "db:\n  password: " + "hunter2hunter2", "hunter2hunter2",
						"password: ${DB_PASSWORD}\nsecret: nobody\npassword = os.environ['DB_PASSWORD']"));
	}

	private static final Guardrail SECRETS = compile(Map.of("type", "secrets"));

	private static final Guardrail CATALOG = compile(Map.of("type", "secrets", "entropy", false));

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixtures")
	void eachRuleFindsItsFormatAndLetsItsNegativePass(String rule, String positive, String secret, String negative) {
		Scanner scanner = new Scanner(List.of(SECRETS), Direction.REQUEST, null);
		List<Scanner.Hit> hits = scanner.find(positive, 0);
		assertThat(hits).as("hits in the positive fixture").hasSize(1);
		assertThat(hits.get(0).rule().name()).isEqualTo(rule);
		assertThat(positive.substring(hits.get(0).start(), hits.get(0).end())).isEqualTo(secret);
		Scanner catalogOnly = new Scanner(List.of(CATALOG), Direction.REQUEST, null);
		assertThat(catalogOnly.find(negative, 0)).as("catalog hits in the negative fixture " + negative).isEmpty();
	}

	/** A guardrail compiled from properties given as a map (type, action, entities). */
	static Guardrail compile(Map<String, Object> settings) {
		dev.switchboard.config.SwitchboardProperties properties = new dev.switchboard.config.SwitchboardProperties();
		GuardrailProperties g = new GuardrailProperties();
		g.setType((String) settings.get("type"));
		g.setAction((String) settings.getOrDefault("action", "redact"));
		if (Boolean.FALSE.equals(settings.get("entropy"))) {
			g.getEntropy().setEnabled(false);
		}
		if (settings.containsKey("entities")) {
			@SuppressWarnings("unchecked")
			List<String> entities = (List<String>) settings.get("entities");
			g.setEntities(entities);
		}
		properties.getGuardrails().put("g", g);
		List<String> problems = new ArrayList<>();
		Guardrails compiled = GuardrailsCompiler.compile(properties, problems);
		assertThat(problems).isEmpty();
		return compiled.byName().get("g");
	}

}
