package dev.slabprune.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {

  @TempDir Path home;

  @Test
  void whatWasStoredBeforeARestartIsThereAfterIt() throws Exception {
    try (EmbeddedPostgres first = EmbeddedPostgres.start(home, false)) {
      execute(first, "create table kept (value text)");
      execute(first, "insert into kept values ('still here')");
    }

    try (EmbeddedPostgres second = EmbeddedPostgres.start(home, false)) {
      try (Connection connection =
              DriverManager.getConnection(second.jdbcUrl(), second.user(), "");
          Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("select value from kept")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEqualTo("still here");
      }
      assertThat(second.dataDirectory()).isEqualTo(home.resolve("postgres"));
      assertThat(Files.exists(second.dataDirectory().resolve("PG_VERSION"))).isTrue();
    }
  }

  @Test
  void aServerLeftRunningOnTheDataFolderIsTakenOver() throws Exception {
    EmbeddedPostgres abandoned = EmbeddedPostgres.start(home, false);
    execute(abandoned, "create table survivor (id int)");

    // A second start on the same folder, as after a crash of the process that started the first.
    try (EmbeddedPostgres restarted = EmbeddedPostgres.start(home, false)) {
      try (Connection connection =
              DriverManager.getConnection(restarted.jdbcUrl(), restarted.user(), "");
          Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("select count(*) from survivor")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getLong(1)).isZero();
      }
    }
    abandoned.close();
  }

  private static void execute(EmbeddedPostgres server, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
