package dev.slabprune.support;

import dev.slabprune.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real PostgreSQL every persistence test runs against, one per test JVM: a Testcontainers
 * container where a Docker engine answers; else the server named by {@code TEST_DATABASE_URL} (with
 * {@code TEST_DATABASE_USERNAME}, default {@code postgres}, and {@code TEST_DATABASE_PASSWORD});
 * else an embedded PostgreSQL in a temporary folder.
 *
 * <p>Each JVM works in a database of its own, created here and dropped at exit, so concurrent
 * builds on one server never see each other's rows.
 */
public final class TestDatabase {

  private static final String PREFIX = "slabprune_test_";
  private static final Duration STALE = Duration.ofHours(12);
  private static TestDatabase instance;

  private final String source;
  private final String url;
  private final String user;
  private final String password;
  private DataSource pool;

  private TestDatabase(String source, String url, String user, String password) {
    this.source = source;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  public static synchronized TestDatabase get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** Where the server came from: {@code testcontainers}, {@code TEST_DATABASE_URL} or embedded. */
  public String source() {
    return source;
  }

  public String jdbcUrl() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public DataSource dataSource() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(url);
    dataSource.setUser(user);
    dataSource.setPassword(password);
    return dataSource;
  }

  /**
   * A pooled data source on this database with the service's schema applied, shared by the tests of
   * this JVM.
   */
  public synchronized DataSource pooledDataSource() {
    if (pool == null) {
      migratedDataSource();
      com.zaxxer.hikari.HikariDataSource hikari = new com.zaxxer.hikari.HikariDataSource();
      hikari.setJdbcUrl(url);
      hikari.setUsername(user);
      hikari.setPassword(password);
      hikari.setMaximumPoolSize(12);
      pool = hikari;
    }
    return pool;
  }

  /** A data source on this database with the service's schema applied. */
  public DataSource migratedDataSource() {
    DataSource dataSource = dataSource();
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    return dataSource;
  }

  private static TestDatabase start() {
    String configured = System.getenv("TEST_DATABASE_URL");
    if (dockerAvailable()) {
      PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      return new TestDatabase(
          "testcontainers",
          container.getJdbcUrl(),
          container.getUsername(),
          container.getPassword());
    }
    if (configured != null && !configured.isBlank()) {
      String user = envOr("TEST_DATABASE_USERNAME", "postgres");
      String password = envOr("TEST_DATABASE_PASSWORD", "");
      return isolated("TEST_DATABASE_URL", configured, user, password);
    }
    try {
      Path home = Files.createTempDirectory("slabprune-test-db-");
      EmbeddedPostgres server = EmbeddedPostgres.start(home, false);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    deleteRecursively(home);
                  }));
      return isolated("embedded", server.jdbcUrl(), server.user(), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a database of this JVM's own on the server, and drops it at exit. */
  private static TestDatabase isolated(String source, String serverUrl, String user, String pw) {
    String name =
        PREFIX
            + Instant.now().getEpochSecond()
            + "_"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    try (Connection admin = DriverManager.getConnection(serverUrl, user, pw);
        Statement statement = admin.createStatement()) {
      dropStaleDatabases(statement);
      statement.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create a test database on " + serverUrl, e);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try (Connection admin = DriverManager.getConnection(serverUrl, user, pw);
                      Statement statement = admin.createStatement()) {
                    statement.execute("drop database if exists " + name + " with (force)");
                  } catch (SQLException e) {
                    System.err.println("could not drop test database " + name + ": " + e);
                  }
                }));
    return new TestDatabase(source, withDatabase(serverUrl, name), user, pw);
  }

  /** Databases left by test JVMs that were killed before they could drop theirs. */
  private static void dropStaleDatabases(Statement statement) throws SQLException {
    List<String> stale = new ArrayList<>();
    long cutoff = Instant.now().minus(STALE).getEpochSecond();
    try (ResultSet rows =
        statement.executeQuery(
            "select datname from pg_database where datname like '" + PREFIX + "%'")) {
      while (rows.next()) {
        String name = rows.getString(1);
        String[] parts = name.substring(PREFIX.length()).split("_");
        if (parts.length == 2 && parts[0].matches("\\d+") && Long.parseLong(parts[0]) < cutoff) {
          stale.add(name);
        }
      }
    }
    for (String name : stale) {
      statement.execute("drop database if exists " + name + " with (force)");
    }
  }

  static String withDatabase(String jdbcUrl, String database) {
    if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    }
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return "jdbc:postgresql://" + uri.getRawAuthority() + "/" + database + query;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }

  private static void deleteRecursively(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temporary folder that outlives the run is harmless.
    }
  }
}
