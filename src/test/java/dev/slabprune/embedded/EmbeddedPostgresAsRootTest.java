package dev.slabprune.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A first run as root in a working tree that {@code nobody}, the user the server runs as, cannot
 * enter: a clone under {@code /root}, whose mode is 700. Runs only as root (CI and containers).
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedPostgresAsRootTest {

  /** Stands for /root: a folder of mode 700 that only root may enter. */
  @TempDir Path closed;

  /** Stands for /var/lib: where the data goes instead. */
  @TempDir Path shared;

  private Path clone;

  @BeforeEach
  void onlyAsRoot() throws Exception {
    Assumptions.assumeTrue(
        EmbeddedPostgres.isRoot(), "runs only as root, where PostgreSQL runs as 'nobody'");
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    clone = closed.resolve("clone");
  }

  @Test
  void theDefaultFolderMovesToAFolderNobodyCanUseSaysSoOnceAndKeepsItsDataAcrossARestart(
      CapturedOutput output) throws Exception {
    Path root = shared.resolve("slabprune");
    Path wanted = clone.resolve("data");

    Path folder = EmbeddedDataFolder.choose(wanted, false, root);

    assertThat(folder.getParent()).isEqualTo(root);
    assertThat(folder.getFileName().toString())
        .startsWith(EmbeddedDataFolder.nameFor(wanted.toAbsolutePath()))
        .contains("clone-data-");
    assertThat(output.getOut().lines().filter(line -> line.contains(folder.toString())))
        .singleElement()
        .asString()
        .contains("cannot enter " + closed)
        .contains("SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY");
    try (EmbeddedPostgres first = EmbeddedPostgres.start(folder, false)) {
      execute(first, "create table kept (value text)");
      execute(first, "insert into kept values ('still here')");
    }

    Path again = EmbeddedDataFolder.choose(wanted, false, root);
    assertThat(again).isEqualTo(folder);
    try (EmbeddedPostgres second = EmbeddedPostgres.start(again, false);
        Connection connection = DriverManager.getConnection(second.jdbcUrl(), second.user(), "");
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("select value from kept")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("still here");
    }
    // Nothing was written in the working tree, and root's folder was not opened up.
    assertThat(clone).doesNotExist();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(closed)))
        .isEqualTo("rwx------");
  }

  @Test
  void aChosenFolderNobodyCannotEnterStopsTheStartWithOneLineNamingTheVariable() {
    Path chosen = clone.resolve("data");

    assertThat(EmbeddedDataFolder.choose(chosen, true, shared)).isEqualTo(chosen);
    assertThatThrownBy(() -> EmbeddedPostgres.start(chosen, false))
        .isInstanceOfSatisfying(
            EmbeddedDatabaseException.class,
            e -> {
              assertThat(e.getMessage())
                  .doesNotContain("\n")
                  .contains(chosen.toString())
                  .contains("cannot enter " + closed);
              assertThat(e.action()).contains("SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY");
            });
    assertThat(clone).doesNotExist();
  }

  @Test
  void whenNoFolderNobodyCanEnterIsLeftTheStartStopsNamingTheVariable() {
    Path sharedButClosed = closed.resolve("var-lib");

    assertThatThrownBy(
            () -> EmbeddedDataFolder.choose(clone.resolve("data"), false, sharedButClosed))
        .isInstanceOfSatisfying(
            EmbeddedDatabaseException.class,
            e -> {
              assertThat(e.getMessage()).doesNotContain("\n").contains("can enter neither");
              assertThat(e.action()).contains("SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY");
            });
  }

  private static void execute(EmbeddedPostgres server, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
