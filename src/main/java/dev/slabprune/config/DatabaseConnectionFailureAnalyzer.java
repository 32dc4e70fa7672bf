package dev.slabprune.config;

import dev.slabprune.embedded.EmbeddedDatabaseException;
import java.util.Set;
import org.postgresql.util.PSQLException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Reports a configured PostgreSQL the service cannot reach or log in to as what is wrong and which
 * settings to check, instead of a trace through every bean that needed the database.
 */
class DatabaseConnectionFailureAnalyzer extends AbstractFailureAnalyzer<PSQLException> {

  /** Cannot connect, connection rejected, login refused, wrong password, no such database. */
  private static final Set<String> CONNECTION_STATES =
      Set.of("08001", "08004", "28000", "28P01", "3D000");

  private final Environment environment;

  DatabaseConnectionFailureAnalyzer(Environment environment) {
    this.environment = environment;
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, PSQLException cause) {
    if (!CONNECTION_STATES.contains(cause.getSQLState())) {
      return null;
    }
    String url = environment.getProperty("spring.datasource.url");
    String where =
        url == null ? "the embedded PostgreSQL" : "the PostgreSQL at " + withoutQuery(url);
    return new FailureAnalysis(
        "The service cannot use " + where + ": " + cause.getMessage(),
        url == null
            ? EmbeddedDatabaseException.SETTINGS
            : "Check that the server runs and is reachable, and SPRING_DATASOURCE_URL,"
                + " SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD; or unset"
                + " SPRING_DATASOURCE_URL to use the embedded PostgreSQL.",
        cause);
  }

  /** The URL without its parameters, which may hold a password. */
  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }
}
