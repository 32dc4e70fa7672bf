package dev.slabprune.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the service's embedded PostgreSQL keeps its data. As root the server runs as {@code
 * nobody}, who often cannot enter the working tree (a clone under {@code /root}, whose mode is
 * 700). Then, unless someone chose the folder, the data goes to a folder of its own under {@code
 * /var/lib/slabprune}, named after the folder it replaces, so that it survives restarts and two
 * clones never share a cluster; one log line says where. A chosen folder the server cannot reach
 * stops the start with a short message instead.
 */
final class EmbeddedDataFolder {

  /** Parent of the folders used in place of the default one; persistent, unlike /tmp. */
  static final Path SHARED_ROOT = Path.of("/var/lib/slabprune");

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDataFolder.class);

  private EmbeddedDataFolder() {}

  /**
   * The folder to start the embedded PostgreSQL in.
   *
   * @param wanted the configured folder, or the default one
   * @param chosen whether someone configured it: a chosen folder is never replaced
   * @param sharedRoot where a replacement folder goes ({@link #SHARED_ROOT} in the service)
   */
  static Path choose(Path wanted, boolean chosen, Path sharedRoot) {
    Path absolute = wanted.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    if (chosen || parent == null || EmbeddedPostgres.serverUserCanEnter(parent)) {
      // EmbeddedPostgres.start refuses, with the setting to change, where it cannot be used.
      return absolute;
    }
    Path closed = EmbeddedPostgres.firstClosedFolder(parent);
    Path replacement = sharedRoot.toAbsolutePath().normalize().resolve(nameFor(absolute));
    try {
      if (!Files.isDirectory(replacement.getParent())) {
        Files.createDirectories(replacement.getParent());
        Files.setPosixFilePermissions(
            replacement.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (IOException e) {
      throw new EmbeddedDatabaseException(
          "The embedded PostgreSQL runs as 'nobody', who cannot enter "
              + closed
              + ", and its replacement folder "
              + replacement.getParent()
              + " could not be created: "
              + e.getMessage(),
          EmbeddedDatabaseException.SETTINGS,
          e);
    }
    if (!EmbeddedPostgres.serverUserCanEnter(replacement.getParent())) {
      throw new EmbeddedDatabaseException(
          "The embedded PostgreSQL runs as 'nobody', who can enter neither "
              + closed
              + " nor "
              + EmbeddedPostgres.firstClosedFolder(replacement.getParent())
              + ".",
          EmbeddedDatabaseException.SETTINGS);
    }
    log.info(
        "The embedded PostgreSQL runs as 'nobody', who cannot enter {}: its data is in {}"
            + " (SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY chooses another folder)",
        closed,
        replacement);
    return replacement;
  }

  /** {@code /root/clone/data} gives {@code root-clone-data-} and 8 hex digits of its hash. */
  static String nameFor(Path folder) {
    String path = folder.toString();
    String readable = path.replaceAll("[^A-Za-z0-9._]+", "-").replaceAll("^-+|-+$", "");
    if (readable.length() > 64) {
      readable = readable.substring(readable.length() - 64);
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
      return readable + "-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
