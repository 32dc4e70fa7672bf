package dev.slabprune.deploy;

import static dev.slabprune.deploy.HelmChart.at;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container of one of the chart's Deployments, read from Helm's rendering: what podman needs to
 * run the image as the kubelet would. Its environment is resolved as the kubelet resolves it
 * ({@code envFrom} the ConfigMap, then {@code env}, with values from the rendered ConfigMap and
 * Secret), its emptyDir mounts become tmpfs mounts, its security context and memory limit become
 * podman's options, and its startup probe says how long it may take to start.
 */
record ChartPod(
    String component,
    Map<String, String> environment,
    Map<String, String> writableFolders,
    boolean readOnlyRootFilesystem,
    boolean allowPrivilegeEscalation,
    List<String> droppedCapabilities,
    long runAsUser,
    String memoryLimit,
    Duration startupBudget) {

  /** The Deployments of the chart rendered with these values files, by component name. */
  @SuppressWarnings("unchecked")
  static Map<String, ChartPod> render(Path... valuesFiles) {
    List<Map<String, Object>> documents = HelmChart.documents(HelmChart.render(valuesFiles));
    Map<String, Map<String, Object>> configMaps = new LinkedHashMap<>();
    Map<String, Map<String, Object>> secrets = new LinkedHashMap<>();
    for (Map<String, Object> document : documents) {
      String name = at(document, "metadata", "name");
      if ("ConfigMap".equals(document.get("kind"))) {
        configMaps.put(name, at(document, "data"));
      } else if ("Secret".equals(document.get("kind"))) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> encoded = at(document, "data");
        if (encoded != null) {
          encoded.forEach(
              (key, value) ->
                  values.put(key, new String(Base64.getDecoder().decode(value.toString()), UTF_8)));
        }
        Map<String, Object> plain = at(document, "stringData");
        if (plain != null) {
          values.putAll(plain);
        }
        secrets.put(name, values);
      }
    }
    Map<String, ChartPod> pods = new LinkedHashMap<>();
    for (Map<String, Object> document : documents) {
      if ("Deployment".equals(document.get("kind"))) {
        String component = at(document, "metadata", "labels", "app.kubernetes.io/component");
        pods.put(
            component,
            of(component, at(document, "spec", "template", "spec"), configMaps, secrets));
      }
    }
    return pods;
  }

  @SuppressWarnings("unchecked")
  private static ChartPod of(
      String component,
      Map<String, Object> podSpec,
      Map<String, Map<String, Object>> configMaps,
      Map<String, Map<String, Object>> secrets) {
    List<Map<String, Object>> containers = (List<Map<String, Object>>) podSpec.get("containers");
    if (containers.size() != 1) {
      throw new IllegalStateException(component + " has " + containers.size() + " containers");
    }
    Map<String, Object> container = containers.get(0);

    Map<String, String> environment = new LinkedHashMap<>();
    for (Map<String, Object> source :
        (List<Map<String, Object>>) container.getOrDefault("envFrom", List.of())) {
      String name = at(source, "configMapRef", "name");
      putAll(environment, required(configMaps, name, "ConfigMap"));
    }
    for (Map<String, Object> variable :
        (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
      String name = (String) variable.get("name");
      if (variable.containsKey("value")) {
        environment.put(name, String.valueOf(variable.get("value")));
      } else if (at(variable, "valueFrom", "secretKeyRef") != null) {
        Map<String, Object> secret =
            required(secrets, at(variable, "valueFrom", "secretKeyRef", "name"), "Secret");
        environment.put(
            name, stringOrEmpty(secret.get(at(variable, "valueFrom", "secretKeyRef", "key"))));
      } else if (at(variable, "valueFrom", "configMapKeyRef") != null) {
        Map<String, Object> configMap =
            required(configMaps, at(variable, "valueFrom", "configMapKeyRef", "name"), "ConfigMap");
        environment.put(
            name,
            stringOrEmpty(configMap.get(at(variable, "valueFrom", "configMapKeyRef", "key"))));
      } else {
        throw new IllegalStateException("cannot resolve " + variable + " of " + component);
      }
    }

    Map<String, String> emptyDirSizes = new LinkedHashMap<>();
    for (Map<String, Object> volume :
        (List<Map<String, Object>>) podSpec.getOrDefault("volumes", List.of())) {
      if (volume.containsKey("emptyDir")) {
        Object size = at(volume, "emptyDir", "sizeLimit");
        emptyDirSizes.put((String) volume.get("name"), size == null ? "" : size.toString());
      }
    }
    Map<String, String> writableFolders = new LinkedHashMap<>();
    for (Map<String, Object> mount :
        (List<Map<String, Object>>) container.getOrDefault("volumeMounts", List.of())) {
      String volume = (String) mount.get("name");
      if (!emptyDirSizes.containsKey(volume)) {
        throw new IllegalStateException(component + " mounts " + volume + ", not an emptyDir");
      }
      writableFolders.put((String) mount.get("mountPath"), emptyDirSizes.get(volume));
    }

    Map<String, Object> security = (Map<String, Object>) container.get("securityContext");
    Object user = security.get("runAsUser");
    if (user == null) {
      user = at(podSpec, "securityContext", "runAsUser");
    }
    return new ChartPod(
        component,
        environment,
        writableFolders,
        Boolean.TRUE.equals(security.get("readOnlyRootFilesystem")),
        !Boolean.FALSE.equals(security.get("allowPrivilegeEscalation")),
        (List<String>) at(security, "capabilities", "drop"),
        ((Number) user).longValue(),
        at(container, "resources", "limits", "memory"),
        startupBudget(container));
  }

  /** How long the startup probe lets a container take before the kubelet restarts it. */
  private static Duration startupBudget(Map<String, Object> container) {
    Map<String, Object> probe = at(container, "startupProbe");
    if (probe == null) {
      throw new IllegalStateException("the container has no startupProbe");
    }
    long seconds =
        number(probe.get("initialDelaySeconds"), 0)
            + number(probe.get("periodSeconds"), 10) * number(probe.get("failureThreshold"), 3);
    return Duration.ofSeconds(seconds);
  }

  /** A probe field, or Kubernetes' default where the chart leaves it out. */
  private static long number(Object value, long fallback) {
    return value == null ? fallback : ((Number) value).longValue();
  }

  /**
   * The options of {@code podman run} that give a container this pod's restrictions: a read-only
   * root file system whose only writable folders are the chart's emptyDirs (as tmpfs, executable as
   * an emptyDir is, so that ND4J can load the native libraries it unpacks there), the dropped
   * capabilities, no privilege escalation, and the memory limit from which the image's JVM options
   * size the heap. The image's own USER is kept, so that a run shows which user the image runs as.
   */
  List<String> podmanOptions() {
    List<String> options = new ArrayList<>();
    if (readOnlyRootFilesystem) {
      // Without --read-only-tmpfs=false, podman would add writable /tmp, /var/tmp and /run of its
      // own, hiding a folder that the chart forgot.
      options.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    writableFolders.forEach(
        (path, size) -> {
          String mode = "rw,exec,nosuid,nodev,mode=1777";
          String sized = size.isEmpty() ? mode : mode + ",size=" + bytes(size);
          options.addAll(List.of("--tmpfs", path + ":" + sized));
        });
    for (String capability :
        droppedCapabilities == null ? List.<String>of() : droppedCapabilities) {
      options.addAll(List.of("--cap-drop", capability));
    }
    if (!allowPrivilegeEscalation) {
      options.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    if (memoryLimit != null) {
      options.addAll(List.of("--memory", Long.toString(bytes(memoryLimit))));
    }
    return options;
  }

  /** A Kubernetes quantity of bytes (such as {@code 2Gi} or {@code 512M}) in bytes. */
  static long bytes(String quantity) {
    Matcher matcher = Pattern.compile("([0-9]+)([KMGT]i?)?").matcher(quantity);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a byte quantity: " + quantity);
    }
    long value = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "" : matcher.group(2);
    int power = unit.isEmpty() ? 0 : "KMGT".indexOf(unit.charAt(0)) + 1;
    long base = unit.endsWith("i") ? 1024 : 1000;
    for (int i = 0; i < power; i++) {
      value *= base;
    }
    return value;
  }

  private static Map<String, Object> required(
      Map<String, Map<String, Object>> byName, String name, String kind) {
    Map<String, Object> found = byName.get(name);
    if (found == null) {
      throw new IllegalStateException("the chart renders no " + kind + " named " + name);
    }
    return found;
  }

  private static void putAll(Map<String, String> environment, Map<String, Object> values) {
    values.forEach((key, value) -> environment.put(key, stringOrEmpty(value)));
  }

  private static String stringOrEmpty(Object value) {
    return value == null ? "" : value.toString();
  }
}
