package dev.slabprune.embedded;

/**
 * The embedded PostgreSQL cannot start, for a reason a person can fix: what is wrong, and what to
 * do about it. The service reports both in a few lines at start instead of a stack trace.
 */
public class EmbeddedDatabaseException extends RuntimeException {

  /** The settings that choose where the database lives, as a person would set them. */
  public static final String SETTINGS =
      "Set SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY to another folder, or SPRING_DATASOURCE_URL (with"
          + " SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD) to use a PostgreSQL of"
          + " your own.";

  private final String action;

  EmbeddedDatabaseException(String message, String action) {
    super(message);
    this.action = action;
  }

  EmbeddedDatabaseException(String message, String action, Throwable cause) {
    super(message, cause);
    this.action = action;
  }

  /** What to do about it. */
  public String action() {
    return action;
  }
}
