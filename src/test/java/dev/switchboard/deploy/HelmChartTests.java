package dev.switchboard.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static dev.switchboard.deploy.RenderedChart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Lints {@code helm/switchboard} and renders it with default and non-default values, then checks the manifests a
 * platform team would review: the pod's hardening, probes, resources and JVM sizing, where secrets come from, the
 * graceful-shutdown timings, the checksum that rolls pods, and the optional objects. Whether the gateway accepts the
 * rendered configuration is {@link HelmConfigMapIntegrationTests}' job.
 */
class HelmChartTests {

	private static final String PROVIDER_SECRETS = """
			switchboard:
			  auth:
			    keys:
			      - name: team-a
			        keySecret: {name: gateway-keys, key: team-a}
			        models: [fast]
			      - name: ops
			        key-sha256: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
			      - name: batch
			        keySecret: {name: gateway-keys, key: batch}
			  providers:
			    openai:
			      type: openai
			      apiKeySecret: {name: llm-keys, key: openai}
			    my-llm:
			      type: openai
			      base-url: http://llm.internal:8000/v1
			      apiKeySecret: {name: llm-keys, key: internal}
			    local:
			      type: openai
			      base-url: http://127.0.0.1:11434/v1
			""";

	@Test
	void lintReportsNoWarningsOrErrors() {
		LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();

		assertThat(lint.getMessages()).as("helm lint --strict").noneMatch((message) -> message.contains("[WARNING]"))
			.noneMatch((message) -> message.contains("[ERROR]"));
		assertThat(lint.isFailed()).isFalse();
	}

	@Test
	void defaultValuesRenderTheDeploymentItsServiceConfigMapAndDisruptionBudgetOnly() {
		RenderedChart chart = RenderedChart.render("");

		assertThat(chart.kinds()).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service", "Deployment",
				"PodDisruptionBudget");
		assertThat((String) at(chart.one("Deployment"), "metadata.name")).isEqualTo("gw-switchboard");
		assertThat((Integer) at(chart.one("Deployment"), "spec.replicas")).isEqualTo(2);
		assertThat((Integer) at(chart.one("PodDisruptionBudget"), "spec.maxUnavailable")).isEqualTo(1);
		assertThat((Object) at(chart.one("PodDisruptionBudget"), "spec.minAvailable")).isNull();
		assertThat((Map<String, Object>) at(chart.one("PodDisruptionBudget"), "spec.selector.matchLabels"))
			.as("the budget covers the Deployment's pods")
			.isEqualTo(at(chart.one("Deployment"), "spec.selector.matchLabels"));
		assertThat((String) at(chart.one("Service"), "spec.ports[0].targetPort")).isEqualTo("http");
		assertThat((Integer) at(chart.one("Service"), "spec.ports[0].port")).isEqualTo(8080);
	}

	@Test
	void thePodRunsNonRootOnAReadOnlyFilesystemWithoutCapabilities() {
		RenderedChart chart = RenderedChart.render("");
		Map<String, Object> pod = at(chart.one("Deployment"), "spec.template.spec");
		Map<String, Object> container = chart.container();

		assertThat((Boolean) at(pod, "securityContext.runAsNonRoot")).isTrue();
		assertThat((Integer) at(pod, "securityContext.runAsUser")).as("the Dockerfile's user").isEqualTo(10001);
		assertThat((String) at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
		assertThat((Boolean) at(pod, "automountServiceAccountToken")).as("the gateway never calls the API server")
			.isFalse();
		assertThat((Boolean) at(container, "securityContext.readOnlyRootFilesystem")).isTrue();
		assertThat((Boolean) at(container, "securityContext.allowPrivilegeEscalation")).isFalse();
		assertThat((Boolean) at(container, "securityContext.privileged")).isFalse();
		assertThat((List<String>) at(container, "securityContext.capabilities.drop")).containsExactly("ALL");
		assertThat((String) at(container, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
		assertThat((List<Map<String, Object>>) at(container, "volumeMounts")).as("/tmp is the one writable place")
			.anySatisfy((mount) -> assertThat(mount).containsEntry("name", "tmp").containsEntry("mountPath", "/tmp"));
		assertThat((List<Map<String, Object>>) at(pod, "volumes"))
			.anySatisfy((volume) -> assertThat(volume).containsEntry("name", "tmp").containsKey("emptyDir"));
		assertThat((List<Map<String, Object>>) at(container, "volumeMounts")).anySatisfy((mount) -> assertThat(mount)
			.containsEntry("name", "config")
			.containsEntry("mountPath", "/etc/switchboard")
			.containsEntry("readOnly", true));
	}

	@Test
	void resourcesAreBoundedAndTheHeapIsSizedFromTheMemoryLimit() throws IOException {
		RenderedChart chart = RenderedChart.render("");
		Map<String, Object> container = chart.container();

		assertThat((String) at(container, "resources.requests.cpu")).isEqualTo("500m");
		assertThat((String) at(container, "resources.requests.memory")).isEqualTo("512Mi");
		assertThat((String) at(container, "resources.limits.memory")).isEqualTo("512Mi");
		assertThat((String) at(container, "resources.limits.cpu")).isEqualTo("2");
		assertThat(chart.env().get("JAVA_TOOL_OPTIONS")).containsEntry("value",
				"-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError");
		assertThat(RenderedChart.render("jvm: {maxRamPercentage: 72.5, extraOptions: -Xss512k}").env())
			.as("the percentage and extra options from values")
			.extractingByKey("JAVA_TOOL_OPTIONS")
			.isEqualTo(Map.of("name", "JAVA_TOOL_OPTIONS", "value",
					"-XX:MaxRAMPercentage=72.5 -XX:+ExitOnOutOfMemoryError -Xss512k"));
		Map<String, Object> chartYaml = new Yaml().load(Files.readString(RenderedChart.CHART.resolve("Chart.yaml")));
		assertThat((String) at(container, "image")).as("the tag defaults to the chart's appVersion")
			.isEqualTo("switchboard:" + chartYaml.get("appVersion"));
		assertThat((String) at(container, "ports[0].name")).isEqualTo("http");
		assertThat((Integer) at(container, "ports[0].containerPort")).isEqualTo(8080);
	}

	@Test
	void probesAskTheActuatorsLivenessAndReadinessGroups() {
		Map<String, Object> container = RenderedChart.render("").container();

		assertThat((String) at(container, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
		assertThat((String) at(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
		assertThat((String) at(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat((String) at(container, probe + ".httpGet.port")).as(probe).isEqualTo("http");
		}
		assertThat((Integer) at(container, "startupProbe.periodSeconds")
				* (Integer) at(container, "startupProbe.failureThreshold"))
			.as("seconds a slow node gets to start the JVM before liveness counts")
			.isGreaterThanOrEqualTo(60);
	}

	@Test
	void theGatewayReadsTheMountedConfigMapFile() {
		RenderedChart chart = RenderedChart.render("config: {mountPath: /config/switchboard/}");

		assertThat(chart.env().get("SPRING_CONFIG_ADDITIONALLOCATION")).containsEntry("value",
				"file:/config/switchboard/switchboard.yaml");
		assertThat((List<Map<String, Object>>) at(chart.container(), "volumeMounts"))
			.anySatisfy((mount) -> assertThat(mount).containsEntry("name", "config")
				.containsEntry("mountPath", "/config/switchboard/"));
		assertThat((String) at(chart.one("Deployment"), "spec.template.spec.volumes[0].configMap.name"))
			.isEqualTo(at(chart.one("ConfigMap"), "metadata.name"));
		assertThat(chart.configFile()).as("default values add only the shutdown grace period")
			.contains("timeout-per-shutdown-phase: 30s")
			.doesNotContain("switchboard:");
	}

	@Test
	void providerAndGatewayKeysComeFromExistingSecretsThroughPlaceholders() {
		RenderedChart chart = RenderedChart.render(PROVIDER_SECRETS);
		Map<String, Map<String, Object>> env = chart.env();
		Map<String, Object> config = chart.config();

		assertThat(env.get("SB_PROVIDER_OPENAI_API_KEY")).isEqualTo(secretVariable("SB_PROVIDER_OPENAI_API_KEY",
				"llm-keys", "openai"));
		assertThat(env.get("SB_PROVIDER_MY_LLM_API_KEY")).as("the id upper-cased, other characters as _")
			.isEqualTo(secretVariable("SB_PROVIDER_MY_LLM_API_KEY", "llm-keys", "internal"));
		assertThat(env.get("SB_GATEWAY_KEY_0")).isEqualTo(secretVariable("SB_GATEWAY_KEY_0", "gateway-keys", "team-a"));
		assertThat(env.get("SB_GATEWAY_KEY_2")).as("numbered by the key's index")
			.isEqualTo(secretVariable("SB_GATEWAY_KEY_2", "gateway-keys", "batch"));
		assertThat(env).as("no variable for what needs no secret").doesNotContainKeys("SB_PROVIDER_LOCAL_API_KEY",
				"SB_GATEWAY_KEY_1");

		assertThat((String) at(config, "switchboard.providers.openai.api-key")).isEqualTo("${SB_PROVIDER_OPENAI_API_KEY}");
		assertThat((String) at(config, "switchboard.providers.my-llm.api-key")).isEqualTo("${SB_PROVIDER_MY_LLM_API_KEY}");
		assertThat((Map<String, Object>) at(config, "switchboard.providers.local")).doesNotContainKey("api-key");
		assertThat((String) at(config, "switchboard.auth.keys[0].key")).isEqualTo("${SB_GATEWAY_KEY_0}");
		assertThat((String) at(config, "switchboard.auth.keys[2].key")).isEqualTo("${SB_GATEWAY_KEY_2}");
		assertThat((String) at(config, "switchboard.auth.keys[1].key-sha256")).as("digests pass through")
			.isEqualTo("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8");
		assertThat((List<String>) at(config, "switchboard.auth.keys[0].models")).containsExactly("fast");
		assertThat(chart.configFile()).as("the chart's own keys do not reach the gateway")
			.doesNotContain("apiKeySecret", "keySecret", "llm-keys", "gateway-keys");
	}

	@Test
	void literalSecretsInValuesAreRefused() {
		assertThat(renderFailure("switchboard: {providers: {openai: {type: openai, api-key: sk-live-123}}}"))
			.contains("switchboard.providers.openai.api-key holds a literal secret")
			.doesNotContain("sk-live-123");
		assertThat(renderFailure("switchboard: {providers: {openai: {type: openai, apiKey: sk-live-123}}}"))
			.contains("switchboard.providers.openai.apiKey holds a literal secret");
		assertThat(renderFailure("switchboard: {auth: {keys: [{name: a, key: sk-gateway-123}]}}"))
			.contains("switchboard.auth.keys[0].key holds a literal secret");
		assertThat(renderFailure(
				"switchboard: {providers: {openai: {type: openai, api-key: '${X}', apiKeySecret: {name: s, key: k}}}}"))
			.contains("switchboard.providers.openai: set one of apiKeySecret and api-key");
		assertThat(renderFailure("switchboard: {providers: {openai: {type: openai, apiKeySecret: {name: s}}}}"))
			.as("the schema requires both halves of a reference")
			.contains("key");
		assertThat(renderFailure("switchboard: {providers: {my-llm: {type: openai, apiKeySecret: {name: s, key: a}}, "
				+ "my_llm: {type: openai, apiKeySecret: {name: s, key: b}}}}"))
			.contains("would share the variable SB_PROVIDER_MY_LLM_API_KEY");

		RenderedChart placeholder = RenderedChart.render("""
				switchboard: {providers: {azure: {type: openai, api-key: '${AZURE_KEY}'}}}
				extraEnv: [{name: AZURE_KEY, valueFrom: {secretKeyRef: {name: azure, key: api-key}}}]
				""");
		assertThat((String) at(placeholder.config(), "switchboard.providers.azure.api-key"))
			.as("a placeholder supplied through extraEnv is accepted")
			.isEqualTo("${AZURE_KEY}");
		assertThat(placeholder.env().get("AZURE_KEY")).isEqualTo(secretVariable("AZURE_KEY", "azure", "api-key"));
	}

	@Test
	void theConfigChecksumChangesWithTheConfigurationOnly() {
		String base = "switchboard: {routes: [{model: fast, targets: [{provider: mock, model: mock-1}]}]}\n";

		String checksum = configChecksum(RenderedChart.render(base));
		assertThat(checksum).as("a SHA-256").matches("[0-9a-f]{64}");
		assertThat(configChecksum(RenderedChart.render(base + "replicaCount: 5\n")))
			.as("scaling does not restart pods")
			.isEqualTo(checksum);
		assertThat(configChecksum(RenderedChart
			.render("switchboard: {routes: [{model: fast, targets: [{provider: mock, model: mock-2}]}]}\n")))
			.as("a configuration change rolls the pods")
			.isNotEqualTo(checksum);
		assertThat(configChecksum(RenderedChart.render(base + "springConfig: {logging: {level: {root: warn}}}\n")))
			.as("so does a change to the other Spring settings in the file")
			.isNotEqualTo(checksum);
		assertThat((Map<String, Object>) at(RenderedChart
			.render(base + "config: {rollOnChange: false}\npodAnnotations: {team: ai}\n")
			.one("Deployment"), "spec.template.metadata.annotations"))
			.as("with rollOnChange: false the pods are left alone")
			.isEqualTo(Map.of("team", "ai"));
	}

	@Test
	void shutdownTimingsAgreeBetweenTheGatewayAndThePod() {
		RenderedChart defaults = RenderedChart.render("");
		assertThat((String) at(defaults.config(), "spring.lifecycle.timeout-per-shutdown-phase")).isEqualTo("30s");
		assertThat((Integer) at(defaults.one("Deployment"), "spec.template.spec.terminationGracePeriodSeconds"))
			.as("pre-stop sleep + grace period + time for the JVM to exit")
			.isEqualTo(5 + 30 + 15);
		assertThat((Integer) at(defaults.container(), "lifecycle.preStop.sleep.seconds")).isEqualTo(5);

		RenderedChart longer = RenderedChart.render("shutdown: {gracePeriodSeconds: 120, preStopSleepSeconds: 10}");
		assertThat((String) at(longer.config(), "spring.lifecycle.timeout-per-shutdown-phase")).isEqualTo("120s");
		assertThat((Integer) at(longer.one("Deployment"), "spec.template.spec.terminationGracePeriodSeconds"))
			.isEqualTo(145);
		assertThat(renderFailure("springConfig: {switchboard: {routes: []}}"))
			.contains("put the gateway's settings under switchboard:");

		RenderedChart oldCluster = RenderedChart.render("", "1.29.0");
		assertThat((Object) at(oldCluster.container(), "lifecycle"))
			.as("no native sleep action before Kubernetes 1.30, and the image has no shell for an exec one")
			.isNull();
		assertThat((Object) at(RenderedChart.render("shutdown: {preStopSleepSeconds: 0}").container(), "lifecycle"))
			.isNull();
	}

	@Test
	void autoscalerServiceMonitorAndIngressRenderWhenEnabled() {
		RenderedChart chart = RenderedChart.render("""
				autoscaling: {enabled: true, minReplicas: 3, maxReplicas: 12, targetCPUUtilizationPercentage: 65}
				serviceMonitor:
				  enabled: true
				  labels: {release: kube-prometheus-stack}
				  bearerTokenSecret: {name: scrape, key: token}
				ingress:
				  enabled: true
				  className: nginx
				  annotations: {nginx.ingress.kubernetes.io/proxy-buffering: "off"}
				  hosts: [{host: ai.example.org, paths: [{path: /v1, pathType: Prefix}]}]
				  tls: [{secretName: ai-tls, hosts: [ai.example.org]}]
				podDisruptionBudget: {minAvailable: 2}
				""");

		assertThat(chart.kinds()).contains("HorizontalPodAutoscaler", "ServiceMonitor", "Ingress");
		Map<String, Object> hpa = chart.one("HorizontalPodAutoscaler");
		assertThat((String) at(hpa, "spec.scaleTargetRef.name")).isEqualTo("gw-switchboard");
		assertThat((Integer) at(hpa, "spec.minReplicas")).isEqualTo(3);
		assertThat((Integer) at(hpa, "spec.maxReplicas")).isEqualTo(12);
		assertThat((Integer) at(hpa, "spec.metrics[0].resource.target.averageUtilization")).isEqualTo(65);
		assertThat((Object) at(chart.one("Deployment"), "spec.replicas")).as("the autoscaler owns the replica count")
			.isNull();

		Map<String, Object> monitor = chart.one("ServiceMonitor");
		assertThat((String) at(monitor, "metadata.labels.release")).isEqualTo("kube-prometheus-stack");
		assertThat((String) at(monitor, "spec.endpoints[0].path")).isEqualTo("/actuator/prometheus");
		assertThat((String) at(monitor, "spec.endpoints[0].port")).isEqualTo("http");
		assertThat((Map<String, Object>) at(monitor, "spec.endpoints[0].authorization.credentials"))
			.isEqualTo(Map.of("name", "scrape", "key", "token"));

		Map<String, Object> ingress = chart.one("Ingress");
		assertThat((String) at(ingress, "spec.ingressClassName")).isEqualTo("nginx");
		assertThat((String) at(ingress, "spec.rules[0].host")).isEqualTo("ai.example.org");
		assertThat((String) at(ingress, "spec.rules[0].http.paths[0].path")).as("only the API, not the actuator")
			.isEqualTo("/v1");
		assertThat((Map<String, Object>) at(ingress, "spec.rules[0].http.paths[0].backend.service"))
			.isEqualTo(Map.of("name", "gw-switchboard", "port", Map.of("name", "http")));
		assertThat((String) at(ingress, "spec.tls[0].secretName")).isEqualTo("ai-tls");
		assertThat(((Map<String, Object>) at(ingress, "metadata.annotations")))
			.containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");

		assertThat((Integer) at(chart.one("PodDisruptionBudget"), "spec.minAvailable")).isEqualTo(2);
		assertThat((Object) at(chart.one("PodDisruptionBudget"), "spec.maxUnavailable"))
			.as("a floor replaces the default maxUnavailable")
			.isNull();
	}

	@Test
	void theValuesSchemaRejectsMistakes() {
		assertThat(renderFailure("replicas: 3")).as("a misspelt top-level key").contains("replicas");
		assertThat(renderFailure("shutdown: {gracePeriodSeconds: 0}")).contains("gracePeriodSeconds");
		assertThat(renderFailure("image: {digest: latest}")).contains("digest");

		String digest = "sha256:" + "a".repeat(64);
		assertThat((String) at(RenderedChart.render("image: {repository: registry.example/switchboard, digest: " + digest
				+ "}").container(), "image"))
			.as("a digest wins over the tag")
			.isEqualTo("registry.example/switchboard@" + digest);
	}

	private static Map<String, Object> secretVariable(String name, String secret, String key) {
		return Map.of("name", name, "valueFrom", Map.of("secretKeyRef", Map.of("name", secret, "key", key)));
	}

	private static String configChecksum(RenderedChart chart) {
		Map<String, Object> annotations = at(chart.one("Deployment"), "spec.template.metadata.annotations");
		return (String) annotations.get("checksum/config");
	}

	private static String renderFailure(String values) {
		Throwable failure = catchThrowable(() -> RenderedChart.template(values, RenderedChart.KUBE_VERSION));
		assertThat(failure).as("rendering with %s fails", values).isNotNull();
		return failure.getMessage();
	}

}
