package dev.slabprune.support;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code name=value} arguments of the benchmarks' and experiments' command lines. */
public final class NamedArgs {

  private NamedArgs() {}

  /**
   * The arguments by name, in the order given; a later one of a name replaces an earlier one.
   *
   * @throws IllegalArgumentException for an argument that is not {@code name=value}
   */
  public static Map<String, String> parse(String... args) {
    Map<String, String> named = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("arguments are name=value, got " + arg);
      }
      named.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return named;
  }
}
