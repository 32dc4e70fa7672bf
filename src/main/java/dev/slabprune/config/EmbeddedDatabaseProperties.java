package dev.slabprune.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The database started when no {@code spring.datasource.url} is configured.
 *
 * @param directory where the cluster and its log live, kept across restarts; unset means {@code
 *     data} in the working directory, or, as root where the server's user cannot enter it, a folder
 *     under {@code /var/lib/slabprune}
 */
@ConfigurationProperties("slabprune.embedded-database")
public record EmbeddedDatabaseProperties(Path directory) {

  static final Path DEFAULT_DIRECTORY = Path.of("data");

  /** The folder to use: the one configured, else {@code data}. */
  public Path folder() {
    return directory == null ? DEFAULT_DIRECTORY : directory;
  }

  /** Whether someone chose the folder: then it is used as it is, or the start fails. */
  public boolean chosen() {
    return directory != null;
  }
}
