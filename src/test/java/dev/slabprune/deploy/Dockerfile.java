package dev.slabprune.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * The repository's Dockerfile read as instructions, so that tests check what the image does and run
 * its entrypoint exactly as written. Understands what this Dockerfile uses: comments, continuation
 * lines, {@code ENV KEY="value"} with one key per instruction, and exec-form arrays.
 */
record Dockerfile(List<Instruction> instructions) {

  static final Path PATH = Path.of("Dockerfile");

  record Instruction(String keyword, String arguments, int stage) {}

  static Dockerfile read() {
    return parse(Commands.read(PATH));
  }

  static Dockerfile parse(String text) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    int stage = -1;
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      String whole = pending.toString().strip();
      pending.setLength(0);
      if (whole.isEmpty()) {
        continue;
      }
      String[] parts = whole.split("\\s+", 2);
      String keyword = parts[0].toUpperCase(Locale.ROOT);
      if (keyword.equals("FROM")) {
        stage++;
      }
      instructions.add(
          new Instruction(keyword, parts.length > 1 ? parts[1].strip() : "", Math.max(stage, 0)));
    }
    return new Dockerfile(List.copyOf(instructions));
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  int lastStage() {
    return all("FROM").size() - 1;
  }

  /** The instructions of the last stage: what the image that runs consists of. */
  List<Instruction> runtime(String keyword) {
    return all(keyword).stream().filter(i -> i.stage() == lastStage()).toList();
  }

  /** The ENTRYPOINT of the image, which must be in exec form (a JSON array). */
  List<String> entrypoint() {
    List<Instruction> entrypoints = runtime("ENTRYPOINT");
    if (entrypoints.size() != 1) {
      throw new IllegalStateException("expected one ENTRYPOINT, found " + entrypoints.size());
    }
    return jsonArray(entrypoints.get(0).arguments());
  }

  /** The environment that the image's ENV instructions set. */
  Map<String, String> environment() {
    Pattern assignment = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"([^\"]*)\"");
    Map<String, String> environment = new LinkedHashMap<>();
    for (Instruction env : runtime("ENV")) {
      Matcher matcher = assignment.matcher(env.arguments());
      if (!matcher.matches()) {
        throw new IllegalStateException("not of the form ENV KEY=\"value\": " + env.arguments());
      }
      environment.put(matcher.group(1), matcher.group(2));
    }
    return environment;
  }

  /** The layers copied from the build stage's extracted jar, in the order they are copied. */
  List<String> layersInCopyOrder() {
    Pattern copy = Pattern.compile("--from=build\\s+/workspace/extracted/([a-z-]+)/\\s+\\./");
    List<String> layers = new ArrayList<>();
    for (Instruction instruction : runtime("COPY")) {
      Matcher matcher = copy.matcher(instruction.arguments());
      if (matcher.matches()) {
        layers.add(matcher.group(1));
      }
    }
    return layers;
  }

  /** A JSON array of strings (JSON is YAML's flow style, so SnakeYAML reads it). */
  static List<String> jsonArray(String text) {
    if (!text.startsWith("[") || !(new Yaml().load(text) instanceof List<?> list)) {
      throw new IllegalStateException("not an exec-form (JSON array) instruction: " + text);
    }
    return list.stream().map(String.class::cast).toList();
  }
}
