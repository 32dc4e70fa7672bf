package dev.slabprune.embedded;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The database started when no {@code spring.datasource.url} is configured.
 *
 * @param directory where the cluster and its log live, kept across restarts. The default, {@code
 *     data} in the working directory, moves to a folder under {@code /var/lib/slabprune} when the
 *     service runs as root and the server's user {@code nobody} cannot enter it; any other folder
 *     is used as it is, or the start fails saying why.
 */
@ConfigurationProperties("slabprune.embedded-database")
public record EmbeddedDatabaseProperties(@DefaultValue("data") Path directory) {

  static final Path DEFAULT_DIRECTORY = Path.of("data");

  /** Whether someone chose another folder than the default: then it is never replaced. */
  public boolean chosen() {
    return !DEFAULT_DIRECTORY.equals(directory.normalize());
  }
}
