package dev.slabprune.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.slabprune.SlabpruneApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** A service whose embedded database cannot start says why and what to do, without a trace. */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedDatabaseStartFailureTest {

  @TempDir Path temp;

  @Test
  void aDataFolderThatCannotBeUsedStopsTheServiceWithAShortReportNamingTheVariable(
      CapturedOutput output) throws Exception {
    // A file where a folder should be: it cannot be created, by root or anyone else.
    Path file = Files.writeString(temp.resolve("not-a-folder"), "x");
    Path folder = file.resolve("data");

    Throwable failure =
        catchThrowable(
            () -> {
              // Closed at once if it starts after all, so that the assertion below fails alone.
              try (ConfigurableApplicationContext started =
                  new SpringApplicationBuilder(SlabpruneApplication.class)
                      .run(
                          "--slabprune.embedded-database.directory=" + folder,
                          "--server.port=0",
                          "--slabprune.worker.enabled=false",
                          "--spring.main.banner-mode=off")) {
                assertThat(started).isNull();
              }
            });

    assertThat(failure).isInstanceOf(EmbeddedDatabaseException.class);
    String log = output.getAll();
    assertThat(log)
        .contains("APPLICATION FAILED TO START")
        .contains(folder.toString())
        .contains("SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY");
    assertThat(log).doesNotContain("\tat ").doesNotContain("Caused by:");
    String report = log.substring(log.indexOf("APPLICATION FAILED TO START"));
    assertThat(report.lines().count()).isLessThan(15);
  }
}
