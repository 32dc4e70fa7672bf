package dev.slabprune.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * buildah and podman, which build the Dockerfile and run the image with no Docker engine, as root
 * and with no registry at all. Without them the image checks are reported as skipped on a
 * developer's machine and fail in CI ({@code CI=true}), naming what is missing.
 */
final class Podman {

  /** The script that makes the base images available; see the comment at its top. */
  static final Path BASE_IMAGES = Path.of(".ci", "base-images");

  private static final Path HERE = Path.of(".");

  private Podman() {}

  /** Skips (on a developer's machine) or fails (in CI) unless buildah and podman both run. */
  static void requireTools() {
    List<String> missing = missingTools();
    if (missing.isEmpty()) {
      return;
    }
    String message =
        String.join(" and ", missing)
            + " not found on PATH. The container image is built with buildah and run with podman"
            + " (Debian: apt-get install buildah podman runc debootstrap; .ci/run installs them).";
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.abort(message);
    }
    throw new IllegalStateException(message);
  }

  /** Which of buildah and podman do not run here. */
  static List<String> missingTools() {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("buildah", "podman")) {
      if (!runs(tool, "--version")) {
        missing.add(tool);
      }
    }
    return missing;
  }

  /**
   * Runs {@code .ci/base-images}: the Dockerfile's base images, pulled where a registry answers and
   * otherwise made from Debian packages, once per machine and recipe.
   */
  static void ensureBaseImages() {
    Commands.Result result = Commands.run(HERE, List.of("bash", BASE_IMAGES.toString()), 30 * 60);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          "the Dockerfile's base images are not available (" + BASE_IMAGES + "):\n" + tail(result));
    }
  }

  /**
   * {@code buildah bud} of a Dockerfile with the repository as its build context, never pulling
   * (the base images are local), in Docker's image format, which keeps the HEALTHCHECK. Throws an
   * AssertionError with the end of buildah's output when the image does not build; the whole output
   * goes to the log file.
   */
  static void build(Path dockerfile, String tag, Path log) {
    Commands.Result result =
        Commands.run(
            HERE,
            List.of(
                "buildah",
                "bud",
                "--isolation",
                "chroot",
                "--pull=never",
                "--format",
                "docker",
                "--layers=false",
                "--force-rm",
                "--file",
                dockerfile.toAbsolutePath().toString(),
                "--tag",
                tag,
                HERE.toAbsolutePath().normalize().toString()),
            15 * 60);
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      Files.writeString(log, result.output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (result.exitCode() != 0) {
      throw new AssertionError(
          "the image did not build from " + dockerfile + " (buildah bud):\n" + tail(result));
    }
  }

  /** {@code podman <arguments>}, which must succeed; its output. */
  static String podman(String... arguments) {
    Commands.Result result = tryPodman(arguments);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          "podman " + String.join(" ", arguments) + " failed:\n" + tail(result));
    }
    return result.output();
  }

  /** {@code podman <arguments>}, whatever its exit code. */
  static Commands.Result tryPodman(String... arguments) {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(Arrays.asList(arguments));
    return Commands.run(HERE, command, 300);
  }

  static boolean imageExists(String tag) {
    return tryPodman("image", "exists", tag).exitCode() == 0;
  }

  /**
   * The options that let a container start on this kind of machine: runc where it is installed
   * (crun refuses hybrid cgroup hierarchies), and open-file and process limits no higher than this
   * JVM's hard limits, nor processes above the kernel's pid_max (podman's defaults may exceed them,
   * and then the container cannot start).
   */
  static List<String> machineOptions() {
    List<String> options = new ArrayList<>();
    if (runs("runc", "--version")) {
      options.addAll(List.of("--runtime", "runc"));
    }
    hardLimit("Max open files")
        .ifPresent(limit -> options.addAll(List.of("--ulimit", "nofile=" + limit + ":" + limit)));
    hardLimit("Max processes")
        .map(limit -> Math.min(Long.parseLong(limit), pidMax()))
        .ifPresent(limit -> options.addAll(List.of("--ulimit", "nproc=" + limit + ":" + limit)));
    return options;
  }

  /** The kernel's largest process id: runc cannot set a higher process limit on such machines. */
  private static long pidMax() {
    try {
      // Read line by line: Files.readString sees only part of a proc file on some kernels.
      return Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).strip());
    } catch (IOException | RuntimeException unknown) {
      return Long.MAX_VALUE;
    }
  }

  /** A hard limit of this process from /proc/self/limits; empty where unlimited or unknown. */
  private static Optional<String> hardLimit(String name) {
    Path limits = Path.of("/proc/self/limits");
    if (!Files.isReadable(limits)) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(limits)) {
        if (line.startsWith(name)) {
          String[] columns = line.substring(name.length()).trim().split("\\s+");
          return columns.length >= 2 && columns[1].matches("[0-9]+")
              ? Optional.of(columns[1])
              : Optional.empty();
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean runs(String... command) {
    try {
      return Commands.run(HERE, List.of(command), 60).exitCode() == 0;
    } catch (UncheckedIOException notFound) {
      return false;
    }
  }

  /** The last lines of a command's output, for failure messages. */
  static String tail(Commands.Result result) {
    List<String> lines = result.output().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
