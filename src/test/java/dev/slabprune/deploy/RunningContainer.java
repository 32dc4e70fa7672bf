package dev.slabprune.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container of the image started by podman as one of the chart's pods, on the host's network
 * (where the test database is) at a free port of its own, and removed with its anonymous volumes
 * when closed.
 */
final class RunningContainer implements AutoCloseable {

  /** The label that names the test run of a container, for removing the run's containers. */
  private static final String RUN_LABEL = "dev.slabprune.test.run";

  private final String name;
  private final int port;
  private final Instant started;
  private final Duration startLimit;
  private final Path log;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Integer exitCode;

  private RunningContainer(String name, int port, Instant started, Duration startLimit, Path log) {
    this.name = name;
    this.port = port;
    this.started = started;
    this.startLimit = startLimit;
    this.log = log;
  }

  /**
   * Starts the image as the pod runs it: the pod's environment (with SERVER_PORT moved to a free
   * port, since on the host's network the chart's 8080 may be taken) and the pod's restrictions.
   */
  static RunningContainer start(String image, ChartPod pod, String run, String name, Path logFolder)
      throws IOException {
    int port = freePort();
    Map<String, String> environment = new LinkedHashMap<>(pod.environment());
    environment.put("SERVER_PORT", Integer.toString(port));

    List<String> arguments =
        new ArrayList<>(
            List.of("run", "--detach", "--name", name, "--label", RUN_LABEL + "=" + run));
    arguments.addAll(Podman.machineOptions());
    arguments.addAll(List.of("--network", "host"));
    arguments.addAll(pod.podmanOptions());
    environment.forEach((key, value) -> arguments.addAll(List.of("--env", key + "=" + value)));
    arguments.add(image);

    Files.createDirectories(logFolder);
    System.out.println(
        "podman " + String.join(" ", arguments).replaceAll("(PASSWORD=)\\S*", "$1(not shown)"));
    Instant started = Instant.now();
    Podman.podman(arguments.toArray(String[]::new));
    return new RunningContainer(
        name, port, started, pod.startupBudget(), logFolder.resolve(name + ".log"));
  }

  String name() {
    return name;
  }

  /**
   * Waits until {@code /actuator/health/readiness} answers 200 (the database included), at most as
   * long as the chart's startup probe would, and returns the time from {@code podman run} to then.
   */
  Duration awaitReadiness() throws InterruptedException {
    Instant deadline = started.plus(startLimit);
    while (Instant.now().isBefore(deadline)) {
      if (!running()) {
        throw new AssertionError(name + " stopped before it was ready" + logTail());
      }
      try {
        if (get("/actuator/health/readiness").statusCode() == 200) {
          return Duration.between(started, Instant.now());
        }
      } catch (IOException notListeningYet) {
        // keep waiting
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        name + " was not ready within the startup probe's " + startLimit + logTail());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A multipart/form-data upload of one file with more form fields, as curl -F sends it. */
  HttpResponse<String> upload(String path, Path file, Map<String, String> fields)
      throws IOException, InterruptedException {
    String boundary = "slabprune-" + Long.toHexString(System.nanoTime());
    List<byte[]> parts = new ArrayList<>();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      parts.add(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + field.getKey()
                  + "\"\r\n\r\n"
                  + field.getValue()
                  + "\r\n")
              .getBytes());
    }
    parts.add(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName()
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes());
    parts.add(Files.readAllBytes(file));
    parts.add(("\r\n--" + boundary + "--\r\n").getBytes());
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArrays(parts)));
  }

  /** Runs a command in the container, as the image's user; its exit code and output. */
  Commands.Result exec(String... command) {
    List<String> arguments = new ArrayList<>(List.of("exec", name));
    arguments.addAll(List.of(command));
    return Podman.tryPodman(arguments.toArray(String[]::new));
  }

  /** {@code podman healthcheck run}: the image's own HEALTHCHECK, run once now. */
  Commands.Result healthcheck() {
    return Podman.tryPodman("healthcheck", "run", name);
  }

  String logs() {
    return Podman.tryPodman("logs", name).output();
  }

  boolean running() {
    return Podman.tryPodman("inspect", "--format", "{{.State.Running}}", name)
        .output()
        .strip()
        .endsWith("true");
  }

  /**
   * Stops the container as Kubernetes and docker stop do (SIGTERM, then a grace period) and returns
   * its exit code; the log is kept in the log folder.
   */
  int stop() throws IOException {
    if (exitCode == null) {
      Podman.tryPodman("stop", "--time", "60", name);
      Files.writeString(log, logs());
      exitCode =
          Integer.parseInt(
              Podman.podman("inspect", "--format", "{{.State.ExitCode}}", name)
                  .strip()
                  .lines()
                  .reduce((first, last) -> last)
                  .orElseThrow());
    }
    return exitCode;
  }

  String logTail() {
    List<String> lines = logs().lines().toList();
    return "\n--- last lines of "
        + name
        + ":\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  @Override
  public void close() throws IOException {
    try {
      stop();
    } finally {
      Podman.tryPodman("rm", "--force", "--volumes", name);
    }
  }

  /**
   * Removes every container of a test run that is still there (after a failed or interrupted test),
   * and only those: other builds on the machine may be running the same tests.
   */
  static void removeAll(String run) {
    String ids =
        Podman.tryPodman("ps", "--all", "--quiet", "--filter", "label=" + RUN_LABEL + "=" + run)
            .output();
    for (String id : ids.lines().map(String::strip).filter(s -> s.matches("[0-9a-f]+")).toList()) {
      Podman.tryPodman("rm", "--force", "--volumes", id);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return client.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
