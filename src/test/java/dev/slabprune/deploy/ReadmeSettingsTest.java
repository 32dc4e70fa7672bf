package dev.slabprune.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's table of settings says what the service and the image really do. */
class ReadmeSettingsTest {

  private final Map<String, String> table = settingsTable();

  @Test
  void everyDefaultInTheTableIsTheOneInApplicationProperties() throws IOException {
    Properties properties = new Properties(); // the last line of a key wins, as in Spring
    properties.load(
        new StringReader(
            Commands.read(Path.of("src", "main", "resources", "application.properties"))));
    int compared = 0;

    for (String key : properties.stringPropertyNames()) {
      // Spring binds both SPRING_A_MAXSIZE and SPRING_A_MAX_SIZE to spring.a.max-size; the README
      // writes the second.
      String variable = key.replace(".", "_").replace("-", "_").toUpperCase(Locale.ROOT);
      if (table.containsKey(variable)) {
        assertThat(table.get(variable))
            .as(variable)
            .isEqualTo("`" + properties.getProperty(key) + "`");
        compared++;
      }
    }
    assertThat(compared).isGreaterThanOrEqualTo(5);
  }

  @Test
  void theJvmOptionsInTheTableAreTheImages() {
    String image = Dockerfile.read().environment().get("JDK_JAVA_OPTIONS");

    assertThat(table.get("JDK_JAVA_OPTIONS")).startsWith("in the image: `" + image + "`");
  }

  @Test
  void theVariablesThatSplitApiAndWorkersAreListed() {
    assertThat(table).containsEntry("SLABPRUNE_API_ENABLED", "`true`");
    assertThat(table).containsEntry("SLABPRUNE_WORKER_ENABLED", "`true`");
  }

  /** Variable name to default, from the rows "| `NAME` | default | meaning |". */
  private static Map<String, String> settingsTable() {
    Pattern row = Pattern.compile("^\\| `([A-Z0-9_]+)` \\| (.*?) \\| .*\\|$", Pattern.MULTILINE);
    Matcher matcher = row.matcher(Commands.read(Path.of("README.md")));
    Map<String, String> table = new LinkedHashMap<>();
    while (matcher.find()) {
      table.put(matcher.group(1), matcher.group(2));
    }
    return table;
  }
}
