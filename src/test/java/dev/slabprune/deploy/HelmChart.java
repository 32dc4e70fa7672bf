package dev.slabprune.deploy;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** The chart in {@code helm/slabprune}, linted and rendered by Helm itself (helm-java). */
final class HelmChart {

  static final Path CHART = Path.of("helm", "slabprune");
  static final Path SPLIT_VALUES = CHART.resolve("ci").resolve("split-values.yaml");
  static final String RELEASE = "demo";
  static final String NAMESPACE = "apps";
  static final String KUBERNETES_VERSION = "1.31.0";

  private static final Path WORK = Path.of("target", "helm-chart-test");

  private HelmChart() {}

  /** {@code helm lint --strict} with the chart's values and, merged over them, these files. */
  static LintResult lintStrict(Path... valuesFiles) {
    Path chart = valuesFiles.length == 0 ? CHART : copyWithValues(valuesFiles);
    return new Helm(chart).lint().strict().call();
  }

  /** Like {@link #lintStrict(Path...)}, with the values of the chart replaced by these. */
  static LintResult lintStrictWithValues(Map<String, Object> values) {
    Path chart = copy();
    write(chart.resolve("values.yaml"), new Yaml().dump(values));
    return new Helm(chart).lint().strict().call();
  }

  /**
   * {@code helm template} of the chart with these values files and {@code --set} values. helm-java
   * leaves hooks out of its output, so the chart is rendered from a copy in which the {@code
   * helm.sh/hook} annotation is renamed {@code rendered-by-test.helm.sh/hook}: the {@code helm
   * test} pod is then rendered, validated and checked like every other manifest.
   */
  static String render(Map<String, Object> sets, Path... valuesFiles) {
    Path chart = copy();
    try (Stream<Path> tests = Files.list(chart.resolve("templates").resolve("tests"))) {
      for (Path test : tests.toList()) {
        String text = Files.readString(test);
        if (!text.contains("helm.sh/hook: test")) {
          throw new IllegalStateException(test + " is not a helm test hook");
        }
        Files.writeString(test, text.replace("helm.sh/hook:", "rendered-by-test.helm.sh/hook:"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TemplateCommand template =
        new Helm(chart)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBERNETES_VERSION);
    for (Path values : valuesFiles) {
      template = template.withValuesFile(values.toAbsolutePath());
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    return template.call();
  }

  static String render(Path... valuesFiles) {
    return render(Map.of(), valuesFiles);
  }

  /** The NOTES.txt that {@code helm install} prints, from a client-only dry run. */
  static String notes(Path... valuesFiles) {
    InstallCommand install =
        new Helm(CHART)
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBERNETES_VERSION)
            .clientOnly()
            .withDryRunOption(DryRun.CLIENT);
    for (Path values : valuesFiles) {
      install = install.withValuesFile(values.toAbsolutePath());
    }
    String output = install.call().getOutput();
    return output.substring(output.indexOf("NOTES:"));
  }

  /** The manifests of a rendering, one map each. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(String rendered) {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml().loadAll(rendered)) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  /** Writes a rendering to target/ for the node validator, and returns the file. */
  static Path save(String rendered, String name) {
    return Commands.writeScratch(name + ".yaml", rendered);
  }

  /** The value at a path of map keys and list indexes, e.g. {@code at(d, "spec", "replicas")}. */
  @SuppressWarnings("unchecked")
  static <T> T at(Object node, Object... path) {
    Object current = node;
    for (Object step : path) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(step);
      } else if (current instanceof List<?> list && step instanceof Integer index) {
        current = index < list.size() ? list.get(index) : null;
      } else {
        return null;
      }
    }
    return (T) current;
  }

  @SuppressWarnings("unchecked")
  private static Path copyWithValues(Path... valuesFiles) {
    Path chart = copy();
    Yaml yaml = new Yaml();
    Map<String, Object> values = yaml.load(Commands.read(chart.resolve("values.yaml")));
    for (Path file : valuesFiles) {
      merge(values, (Map<String, Object>) yaml.load(Commands.read(file)));
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    write(chart.resolve("values.yaml"), new Yaml(options).dump(values));
    return chart;
  }

  /** Helm's merge of values: maps merge key by key, anything else replaces. */
  @SuppressWarnings("unchecked")
  static void merge(Map<String, Object> base, Map<String, Object> override) {
    for (Map.Entry<String, Object> entry : override.entrySet()) {
      Object existing = base.get(entry.getKey());
      if (existing instanceof Map<?, ?> && entry.getValue() instanceof Map<?, ?>) {
        Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) existing);
        merge(merged, (Map<String, Object>) entry.getValue());
        base.put(entry.getKey(), merged);
      } else {
        base.put(entry.getKey(), entry.getValue());
      }
    }
  }

  /** A fresh copy of the chart under target/, named as the chart (lint checks the name). */
  private static Path copy() {
    Path target;
    try {
      Files.createDirectories(WORK);
      target = Files.createTempDirectory(WORK, "copy-").resolve("slabprune");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path source : files.toList()) {
        Path destination = target.resolve(CHART.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(destination);
        } else {
          Files.createDirectories(Objects.requireNonNull(destination.getParent()));
          Files.copy(source, destination);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(Objects.requireNonNull(file.getParent()));
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
