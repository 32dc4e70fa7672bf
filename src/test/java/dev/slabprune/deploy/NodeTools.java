package dev.slabprune.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The node scripts in {@code src/test/node} (Kubernetes schema validation, Dockerfile lint, the
 * OpenAPI document's lint), with the npm packages of their lock file installed by {@code npm ci}
 * into {@code target/node-tools} once per lock file. Without node and npm the checks are reported
 * as skipped on a developer's machine and fail in CI ({@code CI=true}), naming what is missing.
 */
public final class NodeTools {

  private static final Path SOURCES = Path.of("src", "test", "node");
  private static final Path HOME = Path.of("target", "node-tools");
  private static boolean installed;

  private NodeTools() {}

  /** Runs {@code node <script> <arguments>} and returns its exit code and its output. */
  public static Commands.Result run(String script, String... arguments) {
    install();
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(arguments));
    return Commands.run(HOME, command, 120);
  }

  private static synchronized void install() {
    if (installed) {
      return;
    }
    requireTool("node");
    requireTool("npm");
    try {
      Files.createDirectories(HOME);
      try (Stream<Path> files = Files.list(SOURCES)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Files.copy(file, HOME.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      String lock = sha256(Files.readAllBytes(HOME.resolve("package-lock.json")));
      Path stamp = HOME.resolve("node_modules").resolve(".installed-from-lock");
      if (!Files.exists(stamp) || !Files.readString(stamp).equals(lock)) {
        Commands.Result ci =
            Commands.run(
                HOME, List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 300);
        if (ci.exitCode() != 0) {
          throw new IllegalStateException("npm ci failed in " + HOME + ":\n" + ci.output());
        }
        Files.writeString(stamp, lock);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    installed = true;
  }

  private static void requireTool(String tool) {
    try {
      Commands.Result version = Commands.run(HOME.getParent(), List.of(tool, "--version"), 60);
      if (version.exitCode() == 0) {
        return;
      }
    } catch (UncheckedIOException notFound) {
      // reported below
    }
    String message =
        tool
            + " was not found on PATH. The deployment checks (Kubernetes schemas, Dockerfile"
            + " lint) and the OpenAPI lint run on Node.js: install node and npm (Debian:"
            + " apt-get install nodejs npm).";
    // A newcomer's machine with only a JDK skips these checks; CI, which installs Node.js in
    // .ci/run, must run them.
    if (!"true".equals(System.getenv("CI"))) {
      org.junit.jupiter.api.Assumptions.abort(message);
    }
    throw new IllegalStateException(message);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
