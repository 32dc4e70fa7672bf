package dev.slabprune.deploy;

import static dev.slabprune.deploy.HelmChart.at;
import static dev.slabprune.deploy.HelmChart.documents;
import static dev.slabprune.deploy.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart: linted strictly, rendered by Helm for the default values and for separate API and
 * worker Deployments, validated against the Kubernetes schemas, and read for what it must promise.
 */
@SuppressWarnings("unchecked")
class HelmChartTest {

  private static String defaults;
  private static String split;

  @BeforeAll
  static void renderBothShapes() {
    defaults = render();
    split = render(HelmChart.SPLIT_VALUES);
  }

  @Test
  void theChartPassesStrictLintWithItsDefaultValues() {
    LintResult lint = HelmChart.lintStrict();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void theChartPassesStrictLintWithSeparateApiAndWorkers() {
    LintResult lint = HelmChart.lintStrict(HelmChart.SPLIT_VALUES);

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void strictLintRejectsAValueTheSchemaDoesNotKnow() {
    Map<String, Object> values =
        new Yaml().load(Commands.read(HelmChart.CHART.resolve("values.yaml")));
    values.put("replicas", 3);

    LintResult lint = HelmChart.lintStrictWithValues(values);

    assertThat(lint.isFailed()).isTrue();
    assertThat(String.join("\n", lint.getMessages())).contains("replicas");
  }

  @Test
  void strictLintRejectsASettingThatTheChartSetsItself() {
    Map<String, Object> values =
        new Yaml().load(Commands.read(HelmChart.CHART.resolve("values.yaml")));
    values.put("config", Map.of("SERVER_PORT", "9090"));

    LintResult lint = HelmChart.lintStrictWithValues(values);

    assertThat(lint.isFailed()).isTrue();
    assertThat(String.join("\n", lint.getMessages()))
        .contains("invalid propertyName 'SERVER_PORT'");
  }

  @Test
  void theNotesNameTheDeploymentsAndWarnWhenNoPasswordIsSet() {
    String defaultNotes = HelmChart.notes();
    String splitNotes = HelmChart.notes(HelmChart.SPLIT_VALUES);

    assertThat(defaultNotes)
        .contains("demo-slabprune-server serves the API and runs the jobs")
        .contains("WARNING: no database password is set")
        .contains("helm test demo");
    assertThat(splitNotes)
        .contains("demo-slabprune-api serves the API (replicas: 3)")
        .contains("demo-slabprune-worker runs the jobs (replicas: 2 to 10, autoscaled)")
        .contains("credentials from Secret slabprune-db")
        .doesNotContain("WARNING");
  }

  @Test
  void theDefaultManifestsAreValidKubernetesObjects() {
    Commands.Result result =
        NodeTools.run("validate-manifests.mjs", HelmChart.save(defaults, "defaults").toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("valid: apps/v1 Deployment demo-slabprune-server")
        .contains("valid: v1 Pod demo-slabprune-test-health")
        .contains("0 invalid");
  }

  @Test
  void theSplitManifestsAreValidKubernetesObjects() {
    Commands.Result result =
        NodeTools.run("validate-manifests.mjs", HelmChart.save(split, "split").toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("valid: apps/v1 Deployment demo-slabprune-api")
        .contains("valid: apps/v1 Deployment demo-slabprune-worker")
        .contains("valid: autoscaling/v2 HorizontalPodAutoscaler demo-slabprune-worker")
        .contains("valid: monitoring.coreos.com/v1 ServiceMonitor demo-slabprune")
        .contains("0 invalid");
  }

  @Test
  void theSchemaValidationRejectsAManifestKubernetesWouldRefuse() {
    String broken =
        defaults
            .replace("containerPort: 8080", "containerPort: http")
            .replace("maxUnavailable: 1\n  selector", "maxUnavailable: [1]\n  selector");
    assertThat(broken).isNotEqualTo(defaults);

    Commands.Result result =
        NodeTools.run("validate-manifests.mjs", HelmChart.save(broken, "broken").toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output())
        .contains("INVALID: apps/v1 Deployment demo-slabprune-server")
        .contains("containerPort must be integer")
        .contains("INVALID: policy/v1 PodDisruptionBudget demo-slabprune-server");
  }

  @Test
  void byDefaultOneDeploymentServesTheApiAndRunsTheWorkers() {
    List<Map<String, Object>> deployments = ofKind(defaults, "Deployment");

    assertThat(deployments)
        .extracting(HelmChartTest::name)
        .containsExactly("demo-slabprune-server");
    Map<String, Object> server = deployments.get(0);
    assertThat(env(server)).containsEntry("SLABPRUNE_API_ENABLED", "true");
    assertThat(env(server)).containsEntry("SLABPRUNE_WORKER_ENABLED", "true");
    assertThat((Object) at(server, "spec", "replicas")).isEqualTo(1);
    assertThat(serviceSelector(defaults)).containsEntry("app.kubernetes.io/component", "server");
    assertThat(ofKind(defaults, "HorizontalPodAutoscaler")).isEmpty();
    assertThat(ofKind(defaults, "ServiceMonitor")).isEmpty();
  }

  @Test
  void splitGivesTheApiAndTheWorkersDeploymentsOfTheirOwn() {
    Map<String, Map<String, Object>> deployments = byName(ofKind(split, "Deployment"));
    Map<String, Object> api = deployments.get("demo-slabprune-api");
    Map<String, Object> worker = deployments.get("demo-slabprune-worker");

    assertThat(deployments).containsOnlyKeys("demo-slabprune-api", "demo-slabprune-worker");
    assertThat(env(api))
        .containsEntry("SLABPRUNE_API_ENABLED", "true")
        .containsEntry("SLABPRUNE_WORKER_ENABLED", "false");
    assertThat(env(worker))
        .containsEntry("SLABPRUNE_API_ENABLED", "false")
        .containsEntry("SLABPRUNE_WORKER_ENABLED", "true");
    assertThat((Object) at(api, "spec", "replicas")).isEqualTo(3);
    assertThat((Object) at(container(worker), "resources", "limits", "memory")).isEqualTo("8Gi");
    assertThat((Object) at(container(api), "resources", "limits", "memory")).isEqualTo("1Gi");
    assertThat(serviceSelector(split)).containsEntry("app.kubernetes.io/component", "api");
  }

  @Test
  void theWorkersAreAutoscaledAndTheAutoscalerOwnsTheirReplicaCount() {
    Map<String, Object> hpa = ofKind(split, "HorizontalPodAutoscaler").get(0);
    Map<String, Object> worker = byName(ofKind(split, "Deployment")).get("demo-slabprune-worker");

    assertThat((Object) at(hpa, "spec", "scaleTargetRef", "name"))
        .isEqualTo("demo-slabprune-worker");
    assertThat((Object) at(hpa, "spec", "minReplicas")).isEqualTo(2);
    assertThat((Object) at(hpa, "spec", "maxReplicas")).isEqualTo(10);
    assertThat((Map<String, Object>) at(worker, "spec")).doesNotContainKey("replicas");
  }

  @Test
  void everyDeploymentHasADisruptionBudgetOverItsOwnPods() {
    for (String rendered : List.of(defaults, split)) {
      Map<String, Map<String, Object>> budgets = byName(ofKind(rendered, "PodDisruptionBudget"));
      for (Map<String, Object> deployment : ofKind(rendered, "Deployment")) {
        Map<String, Object> budget = budgets.get(name(deployment));
        assertThat(budget).as(name(deployment)).isNotNull();
        assertThat((Object) at(budget, "spec", "selector"))
            .isEqualTo(at(deployment, "spec", "selector"));
      }
    }
  }

  @Test
  void everyPodRunsAsNonRootWithAReadOnlyRootFilesystemAndNoCapabilities() {
    List<Map<String, Object>> pods = podSpecs(defaults);
    pods.addAll(podSpecs(split));
    assertThat(pods).hasSize(5); // server, test pod; api, worker, test pod

    for (Map<String, Object> pod : pods) {
      assertThat((Object) at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
      assertThat((Object) at(pod, "securityContext", "seccompProfile", "type"))
          .isEqualTo("RuntimeDefault");
      assertThat((Object) at(pod, "automountServiceAccountToken")).isEqualTo(false);
      for (Map<String, Object> container : (List<Map<String, Object>>) at(pod, "containers")) {
        Map<String, Object> security = at(container, "securityContext");
        assertThat(security)
            .containsEntry("runAsNonRoot", true)
            .containsEntry("readOnlyRootFilesystem", true)
            .containsEntry("allowPrivilegeEscalation", false)
            .containsEntry("privileged", false);
        assertThat((Object) at(security, "runAsUser")).isNotEqualTo(0);
        assertThat((List<String>) at(security, "capabilities", "drop")).containsExactly("ALL");
        assertThat((Map<String, Object>) at(security, "capabilities")).doesNotContainKey("add");
        assertThat((Object) at(security, "seccompProfile", "type")).isEqualTo("RuntimeDefault");
      }
    }
  }

  @Test
  void startupLivenessAndReadinessAreSeparateProbesOnTheHealthGroups() {
    for (Map<String, Object> deployment : deployments()) {
      Map<String, Object> container = container(deployment);

      assertThat((Object) at(container, "startupProbe", "httpGet", "path"))
          .isEqualTo("/actuator/health/liveness");
      assertThat((Object) at(container, "livenessProbe", "httpGet", "path"))
          .isEqualTo("/actuator/health/liveness");
      assertThat((Object) at(container, "readinessProbe", "httpGet", "path"))
          .isEqualTo("/actuator/health/readiness");
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        assertThat((Object) at(container, probe, "httpGet", "port")).isEqualTo("http");
      }
      // The startup probe allows a slow first start; liveness then reacts within seconds.
      int startupBudget =
          (int) at(container, "startupProbe", "periodSeconds")
              * (int) at(container, "startupProbe", "failureThreshold");
      assertThat(startupBudget).isGreaterThanOrEqualTo(120);
      assertThat((Object) at(container, "resources", "limits", "memory")).isNotNull();
    }
  }

  @Test
  void byDefaultTheCredentialsComeFromTheChartsOwnSecret() {
    Map<String, Object> secret = ofKind(defaults, "Secret").get(0);
    Map<String, Object> server = ofKind(defaults, "Deployment").get(0);

    assertThat(name(secret)).isEqualTo("demo-slabprune-database");
    assertThat((Map<String, Object>) at(secret, "stringData")).containsKeys("username", "password");
    assertThat(secretRef(server, "SPRING_DATASOURCE_USERNAME"))
        .isEqualTo(Map.of("name", "demo-slabprune-database", "key", "username"));
    assertThat(secretRef(server, "SPRING_DATASOURCE_PASSWORD"))
        .isEqualTo(Map.of("name", "demo-slabprune-database", "key", "password"));
    assertThat((Object) at(ofKind(defaults, "ConfigMap").get(0), "data", "SPRING_DATASOURCE_URL"))
        .isEqualTo("jdbc:postgresql://postgresql:5432/slabprune");
  }

  @Test
  void anExistingSecretIsReferencedByNameAndKeysAndTheChartCreatesNone() {
    assertThat(ofKind(split, "Secret")).isEmpty();
    for (Map<String, Object> deployment : ofKind(split, "Deployment")) {
      assertThat(secretRef(deployment, "SPRING_DATASOURCE_USERNAME"))
          .isEqualTo(Map.of("name", "slabprune-db", "key", "user"));
      assertThat(secretRef(deployment, "SPRING_DATASOURCE_PASSWORD"))
          .isEqualTo(Map.of("name", "slabprune-db", "key", "pass"));
      assertThat(
              (Map<String, Object>) at(deployment, "spec", "template", "metadata", "annotations"))
          .containsKey("checksum/config")
          .doesNotContainKey("checksum/secret");
    }
  }

  @Test
  void theDatabaseUrlCanAlsoComeFromTheExistingSecret() {
    String rendered =
        render(Map.of("database.existingSecret", "db", "database.secretKeys.url", "jdbc-url"));
    Map<String, Object> server = ofKind(rendered, "Deployment").get(0);

    assertThat(secretRef(server, "SPRING_DATASOURCE_URL"))
        .isEqualTo(Map.of("name", "db", "key", "jdbc-url"));
    assertThat((Map<String, Object>) at(ofKind(rendered, "ConfigMap").get(0), "data"))
        .doesNotContainKey("SPRING_DATASOURCE_URL");
  }

  @Test
  void aChangedSettingOrPasswordChangesThePodTemplateSoThePodsRoll() {
    Map<String, Object> before = podAnnotations(defaults);
    Map<String, Object> afterSetting =
        podAnnotations(render(Map.of("config.SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE", "2GB")));
    Map<String, Object> afterPassword = podAnnotations(render(Map.of("database.password", "new")));

    assertThat(afterSetting.get("checksum/config")).isNotEqualTo(before.get("checksum/config"));
    assertThat(afterSetting.get("checksum/secret")).isEqualTo(before.get("checksum/secret"));
    assertThat(afterPassword.get("checksum/secret")).isNotEqualTo(before.get("checksum/secret"));
    assertThat(before.get("checksum/config")).asString().matches("[0-9a-f]{64}");
  }

  @Test
  void settingsAndJvmOptionsReachThePodsThroughTheConfigMap() {
    Map<String, Object> data = at(ofKind(split, "ConfigMap").get(0), "data");

    assertThat(data)
        .containsEntry("SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE", "2GB")
        .containsEntry(
            "SPRING_DATASOURCE_URL", "jdbc:postgresql://db.example.internal:5432/slabprune")
        .containsKey("JDK_JAVA_OPTIONS");
    for (Map<String, Object> deployment : ofKind(split, "Deployment")) {
      assertThat((Object) at(container(deployment), "envFrom", 0, "configMapRef", "name"))
          .isEqualTo("demo-slabprune");
    }
  }

  @Test
  void tmpAndTheJavacppCacheAreWritableEmptyDirs() {
    for (Map<String, Object> deployment : deployments()) {
      Map<String, Object> pod = at(deployment, "spec", "template", "spec");
      Map<String, String> mounts =
          ((List<Map<String, Object>>) at(container(deployment), "volumeMounts"))
              .stream()
                  .collect(
                      Collectors.toMap(
                          m -> (String) m.get("mountPath"), m -> (String) m.get("name")));
      Map<String, Map<String, Object>> volumes =
          ((List<Map<String, Object>>) at(pod, "volumes"))
              .stream().collect(Collectors.toMap(v -> (String) v.get("name"), Function.identity()));

      assertThat(mounts).containsKeys("/tmp", "/tmp/javacpp");
      for (String volume : mounts.values()) {
        assertThat(volumes.get(volume)).containsKey("emptyDir");
      }
    }
    // The image's entrypoint puts the JavaCPP cache there.
    assertThat(Dockerfile.read().entrypoint())
        .contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp");
  }

  @Test
  void theServiceMonitorScrapesThePrometheusEndpointOfApiAndWorkerPods() {
    Map<String, Object> monitor = ofKind(split, "ServiceMonitor").get(0);
    Map<String, Object> metricsService =
        byName(ofKind(split, "Service")).get("demo-slabprune-metrics");

    assertThat((Object) at(monitor, "spec", "endpoints", 0, "path"))
        .isEqualTo("/actuator/prometheus");
    assertThat((Object) at(monitor, "metadata", "labels", "release")).isEqualTo("prometheus");
    assertThat((Map<String, Object>) at(monitor, "spec", "selector", "matchLabels"))
        .isEqualTo(at(metricsService, "spec", "selector") == null ? null : labelsOf(metricsService))
        .containsEntry("app.kubernetes.io/component", "metrics");
    // Selects every pod of the release: API and workers.
    assertThat((Map<String, Object>) at(metricsService, "spec", "selector"))
        .isEqualTo(
            Map.of("app.kubernetes.io/name", "slabprune", "app.kubernetes.io/instance", "demo"));
  }

  @Test
  void theHelmTestPodAsksTheServiceForReadiness() {
    Map<String, Object> pod = byName(ofKind(defaults, "Pod")).get("demo-slabprune-test-health");

    assertThat((Object) at(pod, "metadata", "annotations", "rendered-by-test.helm.sh/hook"))
        .isEqualTo("test");
    assertThat((List<String>) at(pod, "spec", "containers", 0, "command"))
        .startsWith("curl", "--fail")
        .last()
        .isEqualTo("http://demo-slabprune:8080/actuator/health/readiness");
  }

  @Test
  void everyValueIsDocumentedByTheCommentAboveIt() {
    List<String> undocumented =
        ValuesDocumentation.undocumentedKeys(Commands.read(HelmChart.CHART.resolve("values.yaml")));

    assertThat(undocumented).isEmpty();
  }

  @Test
  void theDocumentationCheckFindsAValueWithoutAComment() {
    String values =
        "# -- documented\na: 1\n# A section.\nb:\n  # -- documented\n  c: 1\n  d: 2\ne: 3\n";

    assertThat(ValuesDocumentation.undocumentedKeys(values)).containsExactly("b.d", "e");
  }

  private static List<Map<String, Object>> deployments() {
    List<Map<String, Object>> all = new ArrayList<>(ofKind(defaults, "Deployment"));
    all.addAll(ofKind(split, "Deployment"));
    assertThat(all).hasSize(3);
    return all;
  }

  private static List<Map<String, Object>> ofKind(String rendered, String kind) {
    return documents(rendered).stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static Map<String, Map<String, Object>> byName(List<Map<String, Object>> documents) {
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    documents.forEach(d -> byName.put(name(d), d));
    return byName;
  }

  private static String name(Map<String, Object> document) {
    return at(document, "metadata", "name");
  }

  private static List<Map<String, Object>> podSpecs(String rendered) {
    List<Map<String, Object>> pods = new ArrayList<>();
    ofKind(rendered, "Deployment").forEach(d -> pods.add(at(d, "spec", "template", "spec")));
    ofKind(rendered, "Pod").forEach(p -> pods.add(at(p, "spec")));
    return pods;
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    return at(deployment, "spec", "template", "spec", "containers", 0);
  }

  private static Map<String, Object> env(Map<String, Object> deployment) {
    Map<String, Object> env = new LinkedHashMap<>();
    for (Map<String, Object> variable :
        (List<Map<String, Object>>) at(container(deployment), "env")) {
      env.put((String) variable.get("name"), variable.get("value"));
    }
    return env;
  }

  private static Map<String, Object> secretRef(Map<String, Object> deployment, String variable) {
    for (Map<String, Object> entry : (List<Map<String, Object>>) at(container(deployment), "env")) {
      if (variable.equals(entry.get("name"))) {
        return at(entry, "valueFrom", "secretKeyRef");
      }
    }
    return null;
  }

  private static Map<String, Object> serviceSelector(String rendered) {
    return at(byName(ofKind(rendered, "Service")).get("demo-slabprune"), "spec", "selector");
  }

  /** The labels of a resource that a selector for it would name (release, chart, component). */
  private static Map<String, Object> labelsOf(Map<String, Object> resource) {
    Map<String, Object> labels =
        new LinkedHashMap<>((Map<String, Object>) at(resource, "metadata", "labels"));
    labels
        .keySet()
        .retainAll(
            List.of(
                "app.kubernetes.io/name",
                "app.kubernetes.io/instance",
                "app.kubernetes.io/component"));
    return labels;
  }

  private static Map<String, Object> podAnnotations(String rendered) {
    return at(ofKind(rendered, "Deployment").get(0), "spec", "template", "metadata", "annotations");
  }
}
