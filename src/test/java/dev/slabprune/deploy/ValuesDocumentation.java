package dev.slabprune.deploy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the keys of a values.yaml that no comment explains. A key needs a comment on the lines
 * right above it. A comment that starts with {@code # --} documents the key's whole value, so the
 * keys inside it need none (a resources block, a security context); any other comment names a
 * section, whose keys each need their own.
 */
final class ValuesDocumentation {

  private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z0-9_.-]+):(.*)$");

  private record Key(int indent, String path, boolean coversChildren) {}

  private ValuesDocumentation() {}

  static List<String> undocumentedKeys(String valuesYaml) {
    List<String> undocumented = new ArrayList<>();
    Deque<Key> parents = new ArrayDeque<>();
    String comment = null;
    for (String line : valuesYaml.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#")) {
        if (comment == null) {
          comment = trimmed; // the first line of the comment block
        }
        continue;
      }
      Matcher key = KEY.matcher(line);
      if (trimmed.isEmpty() || trimmed.startsWith("-") || !key.matches()) {
        comment = null;
        continue;
      }
      int indent = key.group(1).length();
      while (!parents.isEmpty() && parents.peek().indent() >= indent) {
        parents.pop();
      }
      boolean covered = parents.stream().anyMatch(Key::coversChildren);
      String path = parents.isEmpty() ? key.group(2) : parents.peek().path() + "." + key.group(2);
      if (comment == null && !covered) {
        undocumented.add(path);
      }
      parents.push(
          new Key(indent, path, covered || (comment != null && comment.startsWith("# --"))));
      comment = null;
    }
    return undocumented;
  }
}
