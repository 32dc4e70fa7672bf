package dev.slabprune.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.slabprune.SlabpruneApplication;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service that cannot start for a known reason says what is wrong and which setting to change, in
 * a few lines and without a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartFailureReportTest {

  @TempDir Path temp;

  @Test
  void aDataFolderTheEmbeddedDatabaseCannotUseIsReportedNamingTheVariable(CapturedOutput output)
      throws Exception {
    // A file where a folder should be: it cannot be created, by root or anyone else.
    Path file = Files.writeString(temp.resolve("not-a-folder"), "x");
    Path folder = file.resolve("data");

    Throwable failure = start("--slabprune.embedded-database.directory=" + folder);

    assertThat(failure).isInstanceOf(EmbeddedDatabaseException.class);
    String report = report(output);
    assertThat(report)
        .contains(folder.toString())
        .contains("SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY");
    assertThat(output.getAll()).doesNotContain("\tat ").doesNotContain("Caused by:");
  }

  @Test
  void aConfiguredDatabaseThatDoesNotAnswerIsReportedNamingTheVariables(CapturedOutput output)
      throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/slabprune";

    Throwable failure =
        start(
            "--spring.datasource.url=" + url + "?password=not-to-be-shown",
            "--spring.datasource.username=slabprune");

    assertThat(failure).isNotNull();
    String report = report(output);
    assertThat(report)
        .contains("cannot use the PostgreSQL at " + url + ":")
        .contains("SPRING_DATASOURCE_URL")
        .doesNotContain("not-to-be-shown");
    assertThat(output.getAll()).doesNotContain("\tat ").doesNotContain("Caused by:");
  }

  /** Starts the service with these arguments; returns why it failed, or null if it started. */
  private static Throwable start(String... arguments) {
    List<String> all = new ArrayList<>(List.of(arguments));
    all.addAll(
        List.of(
            "--server.port=0",
            "--slabprune.worker.enabled=false",
            "--spring.main.banner-mode=off"));
    return catchThrowable(
        () -> {
          // Closed at once if it starts after all, so that the caller's assertions fail alone.
          try (ConfigurableApplicationContext started =
              new SpringApplicationBuilder(SlabpruneApplication.class)
                  .run(all.toArray(String[]::new))) {
            assertThat(started).isNull();
          }
        });
  }

  /** Spring Boot's failure report: short, and from its heading on. */
  private static String report(CapturedOutput output) {
    String log = output.getAll();
    assertThat(log).contains("APPLICATION FAILED TO START");
    String report = log.substring(log.indexOf("APPLICATION FAILED TO START"));
    assertThat(report.lines().count()).isLessThan(15);
    return report;
  }
}
